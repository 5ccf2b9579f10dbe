using System.Reflection;
using System.Runtime.InteropServices;

namespace Robot.Sim.MuJoCo;

/// <summary>
/// P/Invoke declarations for libmujoco 2.2.2 (Debian's <c>libmujoco2.2.2</c>). Only the C API
/// functions the product calls are declared. The library is resolved as
/// <c>libmujoco.so.2.2.2</c> first (the runtime package), then <c>libmujoco.so</c> (the -dev
/// symlink), so only the runtime package is required.
/// </summary>
internal static unsafe partial class MuJoCoNative
{
    internal const string Library = "mujoco";

    /// <summary>The only MuJoCo version whose struct layout this binding mirrors (mj_version()).</summary>
    internal const int SupportedVersion = 222;

    static MuJoCoNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(MuJoCoNative).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }
        foreach (string candidate in (ReadOnlySpan<string>)["libmujoco.so.2.2.2", "libmujoco.so", "mujoco"])
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out IntPtr handle))
            {
                return handle;
            }
        }
        return IntPtr.Zero;
    }

    /// <summary>Forces the static constructor (and so the resolver) to run before the first call.</summary>
    internal static void EnsureResolver() { }

    [LibraryImport(Library)]
    internal static partial int mj_version();

    /// <summary>Parses and compiles an MJCF file; returns null and fills <paramref name="error"/> on failure.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr mj_loadXML(string filename, IntPtr vfs, byte* error, int errorSize);

    [LibraryImport(Library)]
    internal static partial IntPtr mj_makeData(IntPtr model);

    [LibraryImport(Library)]
    internal static partial void mj_deleteData(IntPtr data);

    [LibraryImport(Library)]
    internal static partial void mj_deleteModel(IntPtr model);

    [LibraryImport(Library)]
    internal static partial void mj_step(IntPtr model, IntPtr data);

    [LibraryImport(Library)]
    internal static partial void mj_resetData(IntPtr model, IntPtr data);

    [LibraryImport(Library)]
    internal static partial void mj_forward(IntPtr model, IntPtr data);

    /// <summary>First half of mj_step: everything that depends on positions and velocities (incl. their sensors).</summary>
    [LibraryImport(Library)]
    internal static partial void mj_step1(IntPtr model, IntPtr data);

    /// <summary>Second half of mj_step: actuation, acceleration, constraints, acceleration sensors, integration.</summary>
    [LibraryImport(Library)]
    internal static partial void mj_step2(IntPtr model, IntPtr data);

    [LibraryImport(Library)]
    internal static partial void mj_setConst(IntPtr model, IntPtr data);

    [LibraryImport(Library)]
    internal static partial void mj_subtreeVel(IntPtr model, IntPtr data);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mj_name2id(IntPtr model, int type, string name);

    [LibraryImport(Library)]
    internal static partial double mj_getTotalmass(IntPtr model);

    [LibraryImport(Library)]
    internal static partial void mj_contactForce(IntPtr model, IntPtr data, int id, double* result);

    /// <summary>Position-dependent computations only: body, geom and site poses (xpos, xmat, site_xpos, …) from qpos.</summary>
    [CSignature("void (*)(const mjModel*, mjData*)")]
    [LibraryImport(Library)]
    internal static partial void mj_kinematics(IntPtr model, IntPtr data);

    /// <summary>Subtree centres of mass and the com-based dof motions (cdof) that Jacobians need; after <see cref="mj_kinematics"/>.</summary>
    [CSignature("void (*)(const mjModel*, mjData*)")]
    [LibraryImport(Library)]
    internal static partial void mj_comPos(IntPtr model, IntPtr data);

    /// <summary>
    /// Jacobian of a site's origin: translation (3 × nv, row-major, m per unit of qvel) and rotation
    /// (3 × nv, rad per unit of qvel); either may be null. Needs kinematics and comPos for the current qpos.
    /// </summary>
    [CSignature("void (*)(const mjModel*, const mjData*, mjtNum*, mjtNum*, int)")]
    [LibraryImport(Library)]
    internal static partial void mj_jacSite(IntPtr model, IntPtr data, double* jacp, double* jacr, int site);

    /// <summary>Initialises a VFS (the caller owns the ~2 MB struct; see MjVfsLayout).</summary>
    [LibraryImport(Library)]
    internal static partial void mj_defaultVFS(IntPtr vfs);

    /// <summary>Adds an empty file of <paramref name="fileSize"/> bytes; 0 on success, 1 full, 2 repeated name.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mj_makeEmptyFileVFS(IntPtr vfs, string fileName, int fileSize);

    /// <summary>Index of a file in the VFS, or -1.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mj_findFileVFS(IntPtr vfs, string fileName);

    /// <summary>Frees every file buffer of the VFS (not the struct itself).</summary>
    [LibraryImport(Library)]
    internal static partial void mj_deleteVFS(IntPtr vfs);
}
