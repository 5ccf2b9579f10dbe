namespace Robot.Safety.Supervisor;

/// <summary>
/// Who called: the authenticated principal and role (from mTLS, set by the access-control
/// layer), or in insecure mode the loopback principal with the role the caller claims.
/// </summary>
/// <param name="Principal">"role:name" from a client certificate, or <see cref="InsecurePrincipal"/>.</param>
/// <param name="Role">The caller's role, or null.</param>
/// <param name="Insecure">True when the role is only claimed (no mTLS): every audit record says so.</param>
public sealed record CallerIdentity(string Principal, string? Role, bool Insecure)
{
    /// <summary>Principal of an unauthenticated caller on an insecure (loopback) supervisor.</summary>
    public const string InsecurePrincipal = "insecure:loopback";

    /// <summary>The supervisor itself (watchdogs).</summary>
    public static CallerIdentity System { get; } = new("system", null, false);

    /// <summary>True when the caller holds <paramref name="role"/>.</summary>
    public bool HasRole(string role) => string.Equals(Role, role, StringComparison.Ordinal);

    /// <summary>
    /// True when the caller may act as <paramref name="name"/> (a robot id, a sensor id): an
    /// authenticated caller only under its certificate's name ("role:NAME"); an insecure
    /// (loopback) caller names no one, so it may use any name, as it may claim any role.
    /// </summary>
    public bool MayActAs(string name) =>
        Insecure || (Role is not null && Principal.Length == Role.Length + 1 + name.Length
            && Principal.StartsWith(Role, StringComparison.Ordinal) && Principal[Role.Length] == ':'
            && Principal.EndsWith(name, StringComparison.Ordinal));
}
