using System.Runtime.InteropServices;

namespace Robot.FirmwareBridge.Transport;

/// <summary>libc calls for the fast tty transport: open/read/write/ppoll and termios2 ioctls.</summary>
internal static unsafe partial class LinuxNative
{
    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int ENOENT = 2;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    // asm-generic ioctls (x86-64 and arm64).
    public const nuint TCGETS2 = 0x802C542A;
    public const nuint TCSETS2 = 0x402C542B;
    public const nuint TCFLSH = 0x540B;
    public const nuint TIOCEXCL = 0x540C;
    public const int TCIFLUSH = 0;

    // termios flags (asm-generic).
    public const uint IGNBRK = 0x1, BRKINT = 0x2, PARMRK = 0x8, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400, IXOFF = 0x1000, IXANY = 0x800;
    public const uint OPOST = 0x1;
    public const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;
    public const uint CSIZE = 0x30, CS8 = 0x30, CSTOPB = 0x40, CREAD = 0x80, PARENB = 0x100, CLOCAL = 0x800, CRTSCTS = 0x80000000;
    public const uint CBAUD = 0x100F, BOTHER = 0x1000, CIBAUD = 0x100F0000;
    public const int VTIME = 5, VMIN = 6;

    [StructLayout(LayoutKind.Sequential)]
    public struct Termios2
    {
        public uint c_iflag;
        public uint c_oflag;
        public uint c_cflag;
        public uint c_lflag;
        public byte c_line;
        public fixed byte c_cc[19];
        public uint c_ispeed;
        public uint c_ospeed;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long tv_sec;
        public long tv_nsec;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "ppoll", SetLastError = true)]
    public static partial int PPoll(PollFd* fds, nuint count, Timespec* timeout, void* sigmask);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    public static bool IsSupportedArchitecture =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Puts the tty in raw 8N1 mode at <paramref name="baudRate"/> (any rate, via BOTHER) with the given VMIN/VTIME.</summary>
    public static void ConfigureRaw(int fd, int baudRate, byte vmin, byte vtime)
    {
        Termios2 t;
        if (Ioctl(fd, TCGETS2, &t) != 0)
        {
            throw new IOException($"TCGETS2 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY);
        t.c_oflag &= ~OPOST;
        t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        t.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS | CBAUD | CIBAUD);
        t.c_cflag |= CS8 | CREAD | CLOCAL | BOTHER;
        t.c_ispeed = (uint)baudRate;
        t.c_ospeed = (uint)baudRate;
        t.c_cc[VMIN] = vmin;
        t.c_cc[VTIME] = vtime;
        if (Ioctl(fd, TCSETS2, &t) != 0)
        {
            throw new IOException($"TCSETS2 (baud {baudRate}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The output baud rate the kernel reports for the tty.</summary>
    public static int GetBaudRate(int fd)
    {
        Termios2 t;
        if (Ioctl(fd, TCGETS2, &t) != 0)
        {
            throw new IOException($"TCGETS2 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return (int)t.c_ospeed;
    }
}
