namespace Robot.Sim.MuJoCo;

/// <summary>
/// Byte offsets of the <c>mjData</c> fields this binding reads, MuJoCo 2.2.2, x86-64
/// (include/mujoco/mjdata.h). Proven by MjLayoutTests.
/// </summary>
[CStruct("mjData")]
internal static class MjDataLayout
{
    /// <summary><c>mjWarningStat warning[mjNWARNING]</c>: {int lastinfo; int number;} each.</summary>
    [CField("warning")] internal const int Warning = 24;
    /// <summary><c>int nefc</c>: number of constraints.</summary>
    [CField("nefc")] internal const int Nefc = 40328;
    /// <summary><c>int ncon</c>: number of detected contacts.</summary>
    [CField("ncon")] internal const int Ncon = 40332;
    /// <summary><c>mjtNum time</c>: simulation time, s.</summary>
    [CField("time")] internal const int Time = 40336;

    /// <summary><c>mjtNum* qpos</c> (nq).</summary>
    [CField("qpos")] internal const int Qpos = 40376;
    /// <summary><c>mjtNum* qvel</c> (nv).</summary>
    [CField("qvel")] internal const int Qvel = 40384;
    /// <summary><c>mjtNum* ctrl</c> (nu).</summary>
    [CField("ctrl")] internal const int Ctrl = 40408;
    /// <summary><c>mjtNum* qfrc_applied</c> (nv).</summary>
    [CField("qfrc_applied")] internal const int QfrcApplied = 40416;
    /// <summary><c>mjtNum* xfrc_applied</c> (nbody × 6): force, torque at the body's CoM, world frame.</summary>
    [CField("xfrc_applied")] internal const int XfrcApplied = 40424;
    /// <summary><c>mjtNum* qacc</c> (nv).</summary>
    [CField("qacc")] internal const int Qacc = 40448;
    /// <summary><c>mjtNum* sensordata</c> (nsensordata).</summary>
    [CField("sensordata")] internal const int SensorData = 40472;
    /// <summary><c>mjtNum* xpos</c> (nbody × 3).</summary>
    [CField("xpos")] internal const int Xpos = 40480;
    /// <summary><c>mjtNum* xquat</c> (nbody × 4), w first.</summary>
    [CField("xquat")] internal const int Xquat = 40488;
    /// <summary><c>mjtNum* xmat</c> (nbody × 9), row-major.</summary>
    [CField("xmat")] internal const int Xmat = 40496;
    /// <summary><c>mjtNum* xipos</c> (nbody × 3): body CoM, world frame.</summary>
    [CField("xipos")] internal const int Xipos = 40504;
    /// <summary><c>mjtNum* site_xpos</c> (nsite × 3).</summary>
    [CField("site_xpos")] internal const int SiteXpos = 40552;
    /// <summary><c>mjtNum* site_xmat</c> (nsite × 9), row-major.</summary>
    [CField("site_xmat")] internal const int SiteXmat = 40560;
    /// <summary><c>mjtNum* subtree_com</c> (nbody × 3).</summary>
    [CField("subtree_com")] internal const int SubtreeCom = 40600;
    /// <summary><c>mjContact* contact</c> (ncon used).</summary>
    [CField("contact")] internal const int Contact = 40752;
    /// <summary><c>mjtNum* cvel</c> (nbody × 6).</summary>
    /// <summary><c>mjtNum* qfrc_bias</c> (nv): gravity, Coriolis and centrifugal generalized forces.</summary>
    [CField("qfrc_bias")] internal const int QfrcBias = 40976;
    [CField("cvel")] internal const int Cvel = 40960;
    /// <summary><c>mjtNum* subtree_linvel</c> (nbody × 3); filled when a subtreelinvel sensor exists or by mj_subtreeVel.</summary>
    [CField("subtree_linvel")] internal const int SubtreeLinvel = 41008;
    /// <summary><c>mjtNum* actuator_force</c> (nu).</summary>
    [CField("actuator_force")] internal const int ActuatorForce = 41080;
}
