using System.CommandLine;
using System.Globalization;
using Robot.FirmwareBridge.Dynamixel;
using Robot.FirmwareBridge.Emulation;
using Robot.FirmwareBridge.Transport;

namespace Robot.Cli.Commands.Firmware;

/// <summary>
/// <c>robot fw scan|read|write|emulate</c>: bring up Dynamixel buses and joint boards, and serve
/// virtual devices on a serial line (a socat pseudo-terminal) for tests and integration.
/// </summary>
[CliVerb]
public static class FwCommand
{
    public static Command Create()
    {
        var command = new Command("fw", "Firmware bridge: scan Dynamixel buses, read and write servo registers, emulate servos and joint boards on a serial line.");
        command.Subcommands.Add(Scan());
        command.Subcommands.Add(Read());
        command.Subcommands.Add(Write());
        command.Subcommands.Add(Emulate());
        return command;
    }

    private static Option<string> PortOption(bool required = true) => new("--port") { Description = "Serial device (/dev/ttyUSB0, a socat link …).", Required = required };

    private static Option<string> TransportOption() => new("--transport") { Description = "fast (Linux tty, default on Linux) or ports (System.IO.Ports).", DefaultValueFactory = _ => "default" };

    private static Option<int> BaudOption() => new("--baud") { Description = "Line rate, baud.", DefaultValueFactory = _ => 1_000_000 };

    private static Option<int> TimeoutOption(int ms) => new("--timeout-ms") { Description = "Reply timeout, ms.", DefaultValueFactory = _ => ms };

    private static DynamixelBus OpenBus(ParseResult r, Option<string> port, Option<int> baud, Option<string> transport, Option<int> timeout)
    {
        var bus = new DynamixelBus(
            SerialTransports.Create(r.GetValue(port)!, r.GetValue(baud), SerialTransports.Parse(r.GetValue(transport)!)),
            new DynamixelBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(r.GetValue(timeout)) });
        bus.Open();
        return bus;
    }

    private static Command Scan()
    {
        var port = PortOption();
        var bauds = new Option<int[]>("--baud") { Description = "Rates to try (repeatable). Default: every X-series rate.", AllowMultipleArgumentsPerToken = true };
        var first = new Option<int>("--first") { Description = "First ID.", DefaultValueFactory = _ => 0 };
        var last = new Option<int>("--last") { Description = "Last ID.", DefaultValueFactory = _ => 252 };
        var timeout = TimeoutOption(20);
        var transport = TransportOption();
        var json = CommonOptions.Json();
        var command = new Command("scan", "Ping every ID at each baud rate and list the servos that answer.") { port, bauds, first, last, timeout, transport, json };
        command.SetAction(r =>
        {
            var output = CliOutput.From(r);
            int[] rates = r.GetValue(bauds) is { Length: > 0 } b ? b : [.. DynamixelUnits.StandardBaudRates];
            int a = Math.Clamp(r.GetValue(first), 0, 252), z = Math.Clamp(r.GetValue(last), 0, 252);
            try
            {
                using var bus = new DynamixelBus(
                    SerialTransports.Create(r.GetValue(port)!, rates[0], SerialTransports.Parse(r.GetValue(transport)!)),
                    new DynamixelBusOptions { ReplyTimeout = TimeSpan.FromMilliseconds(r.GetValue(timeout)) });
                bus.Open();
                var found = bus.Scan(rates, (byte)a, (byte)z, TimeSpan.FromMilliseconds(r.GetValue(timeout)), (baud, id) =>
                {
                    if (id == a)
                    {
                        output.Progress($"scanning {bus.Transport.PortName} at {baud} baud, IDs {a}–{z}");
                    }
                });
                if (r.GetValue(json))
                {
                    output.WriteJson(new { port = bus.Transport.PortName, found = found.Select(f => new { id = f.Id, model = f.Model?.Name, modelNumber = f.ModelNumber, firmware = f.Firmware, baud = f.BaudRate }) });
                }
                else
                {
                    foreach (PingResult f in found)
                    {
                        output.Out.WriteLine(f.ToString());
                    }
                    output.Out.WriteLine($"{found.Count} servo(s) found");
                }
                return 0;
            }
            catch (IOException e)
            {
                output.Error.WriteLine($"robot fw scan: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static (Option<int> Id, Option<string> Addr, Option<int> Length) RegisterOptions() => (
        new Option<int>("--id") { Description = "Servo ID.", Required = true },
        new Option<string>("--addr") { Description = "Address (number) or control-table item name (\"Present Position\", present_position).", Required = true },
        new Option<int>("--length") { Description = "Bytes (1, 2 or 4); default: the item's size.", DefaultValueFactory = _ => 0 });

    private static (ushort Address, int Length, bool Signed) Resolve(string addr, int length)
    {
        if (ushort.TryParse(addr, NumberStyles.Integer, CultureInfo.InvariantCulture, out ushort a))
        {
            ControlTableItem? item = DynamixelModel.XM430W350.ItemAt(a);
            return (a, length > 0 ? length : item?.Size ?? 1, item?.IsSigned ?? false);
        }
        ControlTableItem named = DynamixelModel.XM430W350.Item(addr) ?? throw new ArgumentException($"no control-table item '{addr}'");
        return (named.Address, length > 0 ? length : named.Size, named.IsSigned);
    }

    private static Command Read()
    {
        var port = PortOption();
        var (id, addr, length) = RegisterOptions();
        var baud = BaudOption();
        var timeout = TimeoutOption(100);
        var transport = TransportOption();
        var json = CommonOptions.Json();
        var command = new Command("read", "Read a register (or control-table item) of one servo.") { port, id, addr, length, baud, timeout, transport, json };
        command.SetAction(r =>
        {
            var output = CliOutput.From(r);
            try
            {
                var (address, size, signed) = Resolve(r.GetValue(addr)!, r.GetValue(length));
                using DynamixelBus bus = OpenBus(r, port, baud, transport, timeout);
                var data = new byte[size];
                DynamixelStatus status = bus.Read((byte)r.GetValue(id), address, data);
                int value = size <= 4 ? DynamixelBus.Decode(data, signed) : 0;
                if (r.GetValue(json))
                {
                    output.WriteJson(new { id = r.GetValue(id), address, length = size, value, bytes = Convert.ToHexString(data), hardwareAlert = status.HardwareAlert });
                }
                else
                {
                    string extra = address == X.PresentPosition || address == X.GoalPosition ? $" ({DynamixelUnits.TicksToRadians(value):F4} rad)" : "";
                    output.Out.WriteLine($"ID {r.GetValue(id)} @{address}: {value}{extra} [{Convert.ToHexString(data)}]{(status.HardwareAlert ? " HARDWARE ALERT" : "")}");
                }
                return 0;
            }
            catch (Exception e) when (e is IOException or ArgumentException)
            {
                output.Error.WriteLine($"robot fw read: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Write()
    {
        var port = PortOption();
        var (id, addr, length) = RegisterOptions();
        var value = new Option<int>("--value") { Description = "Value to write (little-endian, the item's size).", Required = true };
        var baud = BaudOption();
        var timeout = TimeoutOption(100);
        var transport = TransportOption();
        var command = new Command("write", "Write a register (or control-table item) of one servo. Sent once: a lost status is reported, never re-sent.") { port, id, addr, length, value, baud, timeout, transport };
        command.SetAction(r =>
        {
            var output = CliOutput.From(r);
            try
            {
                var (address, size, _) = Resolve(r.GetValue(addr)!, r.GetValue(length));
                using DynamixelBus bus = OpenBus(r, port, baud, transport, timeout);
                var data = BitConverter.GetBytes(r.GetValue(value))[..Math.Min(4, size)];
                bus.Write((byte)r.GetValue(id), address, data);
                output.Out.WriteLine($"ID {r.GetValue(id)} @{address} ← {r.GetValue(value)}: ok");
                return 0;
            }
            catch (DynamixelWriteUncertainException e)
            {
                output.Error.WriteLine($"robot fw write: {e.Message}");
                return 3;
            }
            catch (Exception e) when (e is IOException or ArgumentException)
            {
                output.Error.WriteLine($"robot fw write: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Emulate()
    {
        var port = PortOption(required: false);
        var pty = new Option<bool>("--pty") { Description = "Create a socat pseudo-terminal pair and serve on one end; the other end's path is printed." };
        var servos = new Option<string?>("--servos") { Description = "Virtual servos, e.g. \"1-7:xm430,10-15:xl330\"." };
        var board = new Option<string?>("--board") { Description = "A virtual joint board instead, ID:joints, e.g. \"1:6\"." };
        var baudRegister = new Option<int>("--baud-register") { Description = "Baud Rate register of the servos (0–7; 3 = 1 Mbaud).", DefaultValueFactory = _ => 3 };
        var returnDelay = new Option<int>("--return-delay-us") { Description = "Return delay, µs (even, ≤ 508; the servo default is 500).", DefaultValueFactory = _ => 0 };
        var corrupt = new Option<double>("--corrupt-rate") { Description = "Probability that a reply byte is corrupted." };
        var drop = new Option<double>("--drop-rate") { Description = "Probability that a reply is dropped." };
        var truncate = new Option<double>("--truncate-rate") { Description = "Probability that a reply is truncated." };
        var seconds = new Option<double>("--seconds") { Description = "Stop after this many seconds (default: until Ctrl-C).", DefaultValueFactory = _ => 0 };
        var command = new Command("emulate", "Serve virtual XM430/XL330 servos or a joint board on a serial line until Ctrl-C.") { port, pty, servos, board, baudRegister, returnDelay, corrupt, drop, truncate, seconds };
        command.SetAction(async (r, cancellationToken) =>
        {
            var output = CliOutput.From(r);
            if (r.GetValue(servos) is null == r.GetValue(board) is null)
            {
                output.Error.WriteLine("robot fw emulate: give exactly one of --servos or --board");
                return 2;
            }
            if (r.GetValue(port) is null != r.GetValue(pty))
            {
                output.Error.WriteLine("robot fw emulate: give exactly one of --port or --pty");
                return 2;
            }
            SocatPtyPair? pair = null;
            try
            {
                string devicePort = r.GetValue(port) ?? (pair = new SocatPtyPair()).PathB;
                var faults = new FaultInjection { CorruptByteRate = r.GetValue(corrupt), DropReplyRate = r.GetValue(drop), TruncateReplyRate = r.GetValue(truncate) };
                var transport = new LinuxTtyTransport(devicePort, DynamixelUnits.BaudFromRegister((byte)Math.Clamp(r.GetValue(baudRegister), 0, 7)));
                using SerialDeviceEmulator emulator = r.GetValue(servos) is string spec
                    ? new DynamixelBusEmulator(transport, DynamixelBusEmulator.ParseServos(spec, (byte)r.GetValue(baudRegister), (byte)Math.Clamp(r.GetValue(returnDelay) / 2, 0, 254)), faults)
                    : NewBoard(transport, r.GetValue(board)!, faults);
                emulator.Start();
                output.Out.WriteLine(pair is null ? $"emulating on {devicePort}; Ctrl-C to stop" : $"emulating; connect to {pair.PathA}; Ctrl-C to stop");
                output.Out.Flush();
                double limit = r.GetValue(seconds);
                try
                {
                    await Task.Delay(limit > 0 ? TimeSpan.FromSeconds(limit) : Timeout.InfiniteTimeSpan, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
                output.Progress($"robot fw emulate: {emulator.RequestsHandled} requests, {emulator.BadPackets} bad packets, {faults.CorruptedBytes} corrupted bytes, {faults.DroppedReplies} dropped, {faults.TruncatedReplies} truncated");
                return 0;
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or FormatException)
            {
                output.Error.WriteLine($"robot fw emulate: {e.Message}");
                return 1;
            }
            finally
            {
                pair?.Dispose();
            }
        });
        return command;
    }

    private static VirtualJointBoard NewBoard(LinuxTtyTransport transport, string spec, FaultInjection faults)
    {
        string[] parts = spec.Split(':');
        if (parts.Length != 2 || !byte.TryParse(parts[0], CultureInfo.InvariantCulture, out byte id) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int joints) || joints is < 1 or > 16)
        {
            throw new ArgumentException($"--board '{spec}': expected ID:joints with 1–16 joints");
        }
        return new VirtualJointBoard(transport, id, joints, faults);
    }
}
