namespace Robot.Sim.MuJoCo;

/// <summary>
/// Byte offsets of the <c>mjData</c> fields this binding reads, for MuJoCo 2.2.2 on x86-64
/// (include/mujoco/mjdata.h). A test compiles a C program against the installed headers and
/// compares every constant here with <c>offsetof</c>: the binding cannot drift silently.
/// </summary>
internal static class MjDataLayout
{
    /// <summary><c>mjtNum time</c>: simulation time, s.</summary>
    internal const int Time = 40336;

    /// <summary><c>mjtNum* qpos</c>: generalized positions (nq).</summary>
    internal const int Qpos = 40376;
}
