using System.Runtime.InteropServices;

namespace Robot.FirmwareBridge.Transport;

/// <summary>
/// The low-latency Linux transport: the tty opened with open(2), raw 8N1 through termios2 so any
/// rate up to 4.5 Mbaud is set exactly (BOTHER), non-blocking reads behind ppoll(2) with a
/// microsecond timeout, TIOCEXCL so a second opener fails instead of corrupting the bus. No
/// background thread and no per-call allocation: a read returns as soon as the kernel has bytes,
/// which puts the round trip next to the raw-tty figure (System.IO.Ports adds its 1 ms poll loop).
/// On a pseudo-terminal the rate is accepted and meaningless.
/// </summary>
public sealed unsafe class LinuxTtyTransport : ISerialTransport
{
    private int _fd = -1;

    public LinuxTtyTransport(string portName, int baudRate)
    {
        if (!LinuxNative.IsSupportedArchitecture)
        {
            throw new PlatformNotSupportedException("the fast tty transport needs Linux on x86-64 or arm64; use SerialPortTransport");
        }
        PortName = portName;
        BaudRate = baudRate;
    }

    public string PortName { get; }

    public int BaudRate { get; private set; }

    public bool IsOpen => _fd >= 0;

    /// <summary>The rate the kernel reports for the open tty (TCGETS2), for checks.</summary>
    public int KernelBaudRate => LinuxNative.GetBaudRate(EnsureOpen());

    public void Open()
    {
        if (_fd >= 0)
        {
            return;
        }
        int fd = LinuxNative.Open(PortName, LinuxNative.O_RDWR | LinuxNative.O_NOCTTY | LinuxNative.O_NONBLOCK | LinuxNative.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new SerialDisconnectedException($"cannot open {PortName}: errno {errno}{(errno == LinuxNative.ENOENT ? " (no such device)" : "")}");
        }
        try
        {
            if (LinuxNative.Ioctl(fd, LinuxNative.TIOCEXCL, 0) != 0)
            {
                throw new IOException($"TIOCEXCL on {PortName} failed: errno {Marshal.GetLastPInvokeError()}");
            }
            LinuxNative.ConfigureRaw(fd, BaudRate, vmin: 0, vtime: 0);
            LinuxNative.Ioctl(fd, LinuxNative.TCFLSH, LinuxNative.TCIFLUSH);
        }
        catch
        {
            LinuxNative.Close(fd);
            throw;
        }
        _fd = fd;
    }

    public void Close()
    {
        int fd = _fd;
        _fd = -1;
        if (fd >= 0)
        {
            LinuxNative.Close(fd);
        }
    }

    public void SetBaudRate(int baudRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baudRate);
        if (_fd >= 0)
        {
            LinuxNative.ConfigureRaw(_fd, baudRate, 0, 0);
        }
        BaudRate = baudRate;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        int fd = EnsureOpen();
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = LinuxNative.Write(fd, p + done, data.Length - done);
                if (n > 0)
                {
                    done += (int)n;
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (n < 0 && errno == LinuxNative.EINTR)
                {
                    continue;
                }
                if (n < 0 && errno == LinuxNative.EAGAIN)
                {
                    if (Poll(fd, LinuxNative.POLLOUT, TimeSpan.FromMilliseconds(100)) == 0)
                    {
                        throw new SerialWriteTimeoutException($"{PortName}: the output stayed full for 100 ms ({done} of {data.Length} bytes written)");
                    }
                    continue;
                }
                Disconnected($"write failed: errno {errno}");
            }
        }
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        int fd = EnsureOpen();
        fixed (byte* p = buffer)
        {
            // Try first: bytes are often already there, and this saves a syscall.
            nint n = LinuxNative.Read(fd, p, buffer.Length);
            if (n > 0)
            {
                return (int)n;
            }
            CheckReadError(n);
            if (Poll(fd, LinuxNative.POLLIN, timeout) == 0)
            {
                return 0;
            }
            n = LinuxNative.Read(fd, p, buffer.Length);
            if (n > 0)
            {
                return (int)n;
            }
            CheckReadError(n);
            return 0;
        }
    }

    public void DiscardInput()
    {
        if (_fd >= 0)
        {
            LinuxNative.Ioctl(_fd, LinuxNative.TCFLSH, LinuxNative.TCIFLUSH);
        }
    }

    public void Dispose() => Close();

    private void CheckReadError(nint n)
    {
        if (n == 0)
        {
            return; // VMIN=0: no data
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno is LinuxNative.EAGAIN or LinuxNative.EINTR)
        {
            return;
        }
        Disconnected($"read failed: errno {errno}");
    }

    /// <summary>ppoll for <paramref name="events"/>; 1 when ready, 0 on timeout; throws on hang-up.</summary>
    private int Poll(int fd, short events, TimeSpan timeout)
    {
        var pfd = new LinuxNative.PollFd { fd = fd, events = events };
        long ticks = Math.Max(0, timeout.Ticks);
        var ts = new LinuxNative.Timespec { tv_sec = ticks / TimeSpan.TicksPerSecond, tv_nsec = ticks % TimeSpan.TicksPerSecond * 100 };
        while (true)
        {
            int r = LinuxNative.PPoll(&pfd, 1, &ts, null);
            if (r < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxNative.EINTR)
                {
                    continue;
                }
                Disconnected($"ppoll failed: errno {errno}");
            }
            if (r == 0)
            {
                return 0;
            }
            // A hung-up tty reports POLLIN too and then reads 0 bytes forever: check hang-up first.
            if ((pfd.revents & (LinuxNative.POLLHUP | LinuxNative.POLLERR | LinuxNative.POLLNVAL)) != 0)
            {
                Disconnected("hang-up (the device went away)");
            }
            return (pfd.revents & events) != 0 ? 1 : 0;
        }
    }

    private int EnsureOpen() => _fd >= 0 ? _fd : throw new SerialDisconnectedException($"{PortName} is not open");

    private void Disconnected(string what)
    {
        Close();
        throw new SerialDisconnectedException($"{PortName}: {what}");
    }
}
