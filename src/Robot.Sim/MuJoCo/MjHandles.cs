using System.Runtime.InteropServices;

namespace Robot.Sim.MuJoCo;

/// <summary>Owns one <c>mjModel*</c>; releasing it calls <c>mj_deleteModel</c> exactly once.</summary>
internal sealed class MjModelHandle : SafeHandle
{
    public MjModelHandle(IntPtr model) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(model);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        MuJoCoNative.mj_deleteModel(handle);
        return true;
    }
}

/// <summary>Owns one <c>mjData*</c>; releasing it calls <c>mj_deleteData</c> exactly once.</summary>
internal sealed class MjDataHandle : SafeHandle
{
    public MjDataHandle(IntPtr data) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(data);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        MuJoCoNative.mj_deleteData(handle);
        return true;
    }
}
