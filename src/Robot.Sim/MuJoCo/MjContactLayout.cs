namespace Robot.Sim.MuJoCo;

/// <summary>Byte offsets and size of <c>mjContact</c>, MuJoCo 2.2.2, x86-64 (mjdata.h). Proven by MjLayoutTests.</summary>
[CStruct("mjContact")]
internal static class MjContactLayout
{
    [CSizeOf] internal const int Size = 528;
    /// <summary><c>mjtNum dist</c>: negative is penetration, m.</summary>
    [CField("dist")] internal const int Dist = 0;
    /// <summary><c>mjtNum pos[3]</c>, world frame.</summary>
    [CField("pos")] internal const int Pos = 8;
    /// <summary><c>mjtNum frame[9]</c>: the normal is the first row.</summary>
    [CField("frame")] internal const int Frame = 32;
    /// <summary><c>int dim</c>.</summary>
    [CField("dim")] internal const int Dim = 504;
    /// <summary><c>int geom1</c>.</summary>
    [CField("geom1")] internal const int Geom1 = 508;
    /// <summary><c>int geom2</c>.</summary>
    [CField("geom2")] internal const int Geom2 = 512;
    /// <summary><c>int exclude</c>: 0 = included.</summary>
    [CField("exclude")] internal const int Exclude = 516;
    /// <summary><c>int efc_address</c>.</summary>
    [CField("efc_address")] internal const int EfcAddress = 520;
}

/// <summary>Byte offsets and size of <c>mjVFS</c>, MuJoCo 2.2.2 (mjmodel.h): about 2 MB, allocated natively.</summary>
[CStruct("mjVFS")]
internal static class MjVfsLayout
{
    [CSizeOf] internal const int Size = 2024008;
    /// <summary><c>int nfile</c>.</summary>
    [CField("nfile")] internal const int NFile = 0;
    /// <summary><c>int filesize[mjMAXVFS]</c>.</summary>
    [CField("filesize")] internal const int FileSize = 2000004;
    /// <summary><c>void* filedata[mjMAXVFS]</c>.</summary>
    [CField("filedata")] internal const int FileData = 2008008;
}

/// <summary>Sizes of small 2.2.2 types the binding relies on.</summary>
[CStruct("mjWarningStat")]
internal static class MjWarningStatLayout
{
    [CSizeOf] internal const int Size = 8;
    [CField("number")] internal const int Number = 4;
}

/// <summary>Enumerator values of 2.2.2 the binding uses (mjmodel.h), proven by MjLayoutTests.</summary>
[CStruct("")]
internal static class MjConstants
{
    [CValue("mjOBJ_BODY")] internal const int ObjBody = 1;
    [CValue("mjOBJ_JOINT")] internal const int ObjJoint = 3;
    [CValue("mjOBJ_GEOM")] internal const int ObjGeom = 5;
    [CValue("mjOBJ_SITE")] internal const int ObjSite = 6;
    [CValue("mjOBJ_ACTUATOR")] internal const int ObjActuator = 18;
    [CValue("mjOBJ_SENSOR")] internal const int ObjSensor = 19;
    [CValue("mjJNT_FREE")] internal const int JntFree = 0;
    [CValue("mjJNT_BALL")] internal const int JntBall = 1;
    [CValue("mjJNT_SLIDE")] internal const int JntSlide = 2;
    [CValue("mjJNT_HINGE")] internal const int JntHinge = 3;
    [CValue("mjTRN_JOINT")] internal const int TrnJoint = 0;
    [CValue("mjNWARNING")] internal const int NWarning = 8;
    [CValue("mjWARN_BADQPOS")] internal const int WarnBadQpos = 4;
    [CValue("mjWARN_BADQVEL")] internal const int WarnBadQvel = 5;
    [CValue("mjWARN_BADQACC")] internal const int WarnBadQacc = 6;
    [CValue("mjMAXVFS")] internal const int MaxVfs = 2000;
    [CValue("mjMAXVFSNAME")] internal const int MaxVfsName = 1000;
    [CValue("(int)sizeof(mjtNum)")] internal const int SizeOfMjtNum = 8;
}
