namespace Robot.Sim.MuJoCo;

/// <summary>
/// Marks a class of byte-offset constants that mirror one MuJoCo C struct. A test compiles a C
/// program against the installed headers and compares every <see cref="CFieldAttribute"/>
/// constant with <c>offsetof(Struct, Field)</c>, and every <see cref="CSizeOfAttribute"/>
/// constant with <c>sizeof</c>: the binding cannot drift from the library silently.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class CStructAttribute(string name) : Attribute
{
    /// <summary>The C type name, e.g. <c>mjModel</c>.</summary>
    public string Name { get; } = name;
}

/// <summary>The constant is <c>offsetof(struct, Field)</c>; Field may be nested (<c>opt.timestep</c>).</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
internal sealed class CFieldAttribute(string field) : Attribute
{
    public string Field { get; } = field;
}

/// <summary>The constant is <c>sizeof(struct)</c>.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
internal sealed class CSizeOfAttribute : Attribute
{
}

/// <summary>The constant is the value of a C enumerator or macro of the same meaning, e.g. <c>mjOBJ_BODY</c>.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
internal sealed class CValueAttribute(string expression) : Attribute
{
    public string Expression { get; } = expression;
}

/// <summary>
/// The C function pointer type of a P/Invoke'd MuJoCo function, e.g.
/// <c>void (*)(const mjModel*, mjData*)</c>. A test assigns each marked function to a pointer of this
/// type in a C program compiled against the installed headers with incompatible pointer types as
/// errors: a declaration whose parameters drifted from the library fails to compile.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class CSignatureAttribute(string pointerType) : Attribute
{
    public string PointerType { get; } = pointerType;
}
