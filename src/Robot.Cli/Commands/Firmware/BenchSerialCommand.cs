using System.CommandLine;
using Robot.FirmwareBridge.Bench;
using Robot.FirmwareBridge.Transport;

namespace Robot.Cli.Commands.Firmware;

/// <summary><c>robot bench serial</c>: Dynamixel sync-read round trips per transport against a raw-tty baseline, over socat pseudo-terminals.</summary>
[CliVerb(Parent = "bench")]
public static class BenchSerialCommand
{
    public static Command Create()
    {
        var samples = new Option<int>("--samples") { Description = "Round trips per transport (System.IO.Ports gets a tenth, at least 200).", DefaultValueFactory = _ => 3000 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds for each sustained-rate measurement.", DefaultValueFactory = _ => 2 };
        var servos = new Option<int>("--servos") { Description = "Servos on the emulated bus.", DefaultValueFactory = _ => 7 };
        var json = CommonOptions.Json();
        var command = new Command("serial", "Sync Read of 7 servos over a socat pty pair with the emulator: round trip (p50/p99) for System.IO.Ports, the fast transport and a raw FileStream baseline in the same run; sustained sync-read and leader-arm rates.")
        {
            samples, seconds, servos, json,
        };
        command.SetAction(r =>
        {
            var output = CliOutput.From(r);
            if (!SocatPtyPair.IsAvailable())
            {
                output.Error.WriteLine("robot bench serial: socat is not installed (apt-get install -y socat)");
                return 2;
            }
            int n = r.GetValue(samples), count = r.GetValue(servos);
            double s = r.GetValue(seconds);
            if (n < 100 || count is < 1 or > 32 || !(s > 0))
            {
                output.Error.WriteLine("robot bench serial: --samples ≥ 100, --servos 1–32, --seconds > 0");
                return 2;
            }
            SerialBenchmarkResult result = SerialBenchmark.Run(n, s, count, output.Progress);
            if (r.GetValue(json))
            {
                output.WriteJson(result);
            }
            else
            {
                var table = new TextTable("round trip, µs", "p50", "p99", "mean", "max");
                foreach (var (name, st) in result.RoundTripUs)
                {
                    table.AddRow(name, $"{st.P50:F1}", $"{st.P99:F1}", $"{st.Mean:F1}", $"{st.Max:F1}");
                }
                table.WriteTo(output.Out);
                output.Out.WriteLine($"fast / raw p50: {result.FastToRawRatio:F2}× (target ≤ 1.3)");
                output.Out.WriteLine($"sustained sync read ({count} servos): {result.SyncReadHz:F0} Hz (target ≥ 1000); fast sync read: {result.FastSyncReadHz:F0} Hz");
                output.Out.WriteLine($"leader arm (Fast Sync Read, {count} XL330): {result.LeaderArmHz:F0} Hz (target ≥ 500)");
                output.Out.WriteLine(result.Note);
            }
            return 0;
        });
        return command;
    }
}
