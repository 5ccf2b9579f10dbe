using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Robot.Safety.Access;

/// <summary>An authenticated caller: a role and a name, from a client certificate.</summary>
/// <param name="Role">One of <see cref="RobotRoles.All"/>.</param>
/// <param name="Name">The certificate's common name (a person, robot or tool).</param>
/// <param name="CertificateSha256">SHA-256 of the certificate (hex), to tell two certificates of one name apart.</param>
/// <param name="Insecure">True when the role was only claimed on an insecure loopback endpoint.</param>
public sealed record RobotPrincipal(string Role, string Name, string CertificateSha256, bool Insecure = false)
{
    /// <summary>"role:name", the form audit records use.</summary>
    public override string ToString() => $"{Role}:{Name}";
}

/// <summary>
/// Reads the principal from a client certificate issued by <see cref="SitePki"/>: the name is the
/// subject CN, the role is the SAN URI <c>robot-role:ROLE</c> and, when present, the subject OU
/// must say the same. Chain validation is not done here (the TLS layer does it, see
/// <see cref="SiteMtls"/>); this only reads what a validated certificate claims.
/// </summary>
public static partial class ClientCertificatePrincipal
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>True for a name <see cref="SitePki"/> accepts: 1-64 of A-Z a-z 0-9 . _ -, starting alphanumeric.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Reads the principal, or says why the certificate names none.</summary>
    public static bool TryGet(X509Certificate2? certificate, [NotNullWhen(true)] out RobotPrincipal? principal, [NotNullWhen(false)] out string? error)
    {
        principal = null;
        if (certificate is null)
        {
            error = "no client certificate";
            return false;
        }
        string name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!IsValidName(name))
        {
            error = $"certificate subject CN '{name}' is not a valid principal name";
            return false;
        }
        List<string> uriRoles = RoleUris(certificate);
        string? ou = OrganizationalUnit(certificate.SubjectName);
        if (uriRoles.Count > 1)
        {
            error = $"certificate '{name}' carries {uriRoles.Count} role URIs; exactly one is allowed";
            return false;
        }
        string? role = uriRoles.Count == 1 ? uriRoles[0] : ou;
        if (role is null)
        {
            error = $"certificate '{name}' carries no role (SAN URI {RobotRoles.UriScheme}:ROLE or OU=ROLE)";
            return false;
        }
        if (ou is not null && !string.Equals(ou, role, StringComparison.Ordinal))
        {
            error = $"certificate '{name}' names role '{role}' in its SAN URI but '{ou}' in its OU";
            return false;
        }
        if (!RobotRoles.IsKnown(role))
        {
            error = $"certificate '{name}' names unknown role '{role}'; expected one of {string.Join(", ", RobotRoles.All)}";
            return false;
        }
        principal = new RobotPrincipal(role, name, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
        error = null;
        return true;
    }

    private static string? OrganizationalUnit(X500DistinguishedName subject)
    {
        foreach (X500RelativeDistinguishedName rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == "2.5.4.11")
            {
                return rdn.GetSingleElementValue();
            }
        }
        return null;
    }

    private static List<string> RoleUris(X509Certificate2 certificate)
    {
        var roles = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }
            // GeneralNames ::= SEQUENCE OF GeneralName; uniformResourceIdentifier is [6] IA5String.
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            AsnReader names = reader.ReadSequence();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            while (names.HasData)
            {
                Asn1Tag tag = names.PeekTag();
                if (tag == uriTag)
                {
                    string uri = names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag);
                    string prefix = RobotRoles.UriScheme + ":";
                    if (uri.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        roles.Add(uri[prefix.Length..]);
                    }
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        return roles;
    }
}
