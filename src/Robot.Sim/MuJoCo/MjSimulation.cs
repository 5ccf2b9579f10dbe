using System.Runtime.InteropServices;

namespace Robot.Sim.MuJoCo;

/// <summary>
/// A compiled MuJoCo model with one data instance, owned together: disposing frees both.
/// Minimal on purpose; the Simulation issue grows it into the full binding.
/// </summary>
public sealed unsafe class MjSimulation : IDisposable
{
    private IntPtr _model;
    private IntPtr _data;

    private MjSimulation(IntPtr model, IntPtr data)
    {
        _model = model;
        _data = data;
    }

    /// <summary>Loads and compiles an MJCF file.</summary>
    /// <exception cref="MuJoCoException">The file is missing or MuJoCo refused it; the message is MuJoCo's, verbatim.</exception>
    public static MjSimulation LoadXml(string path)
    {
        MuJoCoLibrary.EnsureLoaded();
        if (!File.Exists(path))
        {
            throw new MuJoCoException($"MJCF file not found: {path}");
        }
        const int errorSize = 1000;
        byte* error = stackalloc byte[errorSize];
        error[0] = 0;
        IntPtr model = MuJoCoNative.mj_loadXML(path, IntPtr.Zero, error, errorSize);
        if (model == IntPtr.Zero)
        {
            string message = Marshal.PtrToStringUTF8((IntPtr)error) ?? "unknown error";
            throw new MuJoCoException($"MuJoCo could not load {path}: {message}");
        }
        IntPtr data = MuJoCoNative.mj_makeData(model);
        if (data == IntPtr.Zero)
        {
            MuJoCoNative.mj_deleteModel(model);
            throw new MuJoCoException($"MuJoCo could not allocate data for {path}");
        }
        return new MjSimulation(model, data);
    }

    /// <summary>Simulation time, s.</summary>
    public double Time => *(double*)(Data + MjDataLayout.Time);

    /// <summary>Generalized position element <paramref name="index"/> (0 ≤ index &lt; nq).</summary>
    public double Qpos(int index) => (*(double**)(Data + MjDataLayout.Qpos))[index];

    /// <summary>Advances the simulation by one timestep.</summary>
    public void Step() => MuJoCoNative.mj_step(_model, Data);

    private IntPtr Data => _data != IntPtr.Zero ? _data : throw new ObjectDisposedException(nameof(MjSimulation));

    public void Dispose()
    {
        if (_data != IntPtr.Zero)
        {
            MuJoCoNative.mj_deleteData(_data);
            _data = IntPtr.Zero;
        }
        if (_model != IntPtr.Zero)
        {
            MuJoCoNative.mj_deleteModel(_model);
            _model = IntPtr.Zero;
        }
    }
}
