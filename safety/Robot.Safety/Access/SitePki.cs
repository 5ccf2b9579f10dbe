using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Robot.Safety.Access;

/// <summary>What <see cref="SitePki.Issue"/> makes: a client certificate (with a role) or a server certificate.</summary>
public enum CertificateKind
{
    Client,
    Server,
}

/// <summary>Where an issued certificate and its key were written.</summary>
public sealed record IssuedCertificate(string CertificatePath, string KeyPath, string Subject, string? Role, DateTimeOffset NotAfter, string Sha256);

/// <summary>
/// The site's certificate authority, kept as PEM files in one folder: <c>ca.crt.pem</c> and
/// <c>ca.key.pem</c> (mode 0600), and every issued pair as <c>NAME.crt.pem</c> /
/// <c>NAME.key.pem</c>. Keys are ECDSA P-256, signatures SHA-256 (as SROS2 uses). A client
/// certificate carries its role twice, as the SAN URI <c>robot-role:ROLE</c> and as OU=ROLE,
/// and the clientAuth extended key usage; a server certificate carries serverAuth and its DNS
/// names and IP addresses.
/// </summary>
public sealed class SitePki
{
    public const string CaCertificateFile = "ca.crt.pem";
    public const string CaKeyFile = "ca.key.pem";

    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");

    private SitePki(string directory) => Directory = directory;

    /// <summary>The folder holding the CA and issued certificates.</summary>
    public string Directory { get; }

    public string CaCertificatePath => Path.Combine(Directory, CaCertificateFile);

    public string CaKeyPath => Path.Combine(Directory, CaKeyFile);

    /// <summary>Creates a new site CA in <paramref name="directory"/>; refuses to overwrite an existing one.</summary>
    public static SitePki Init(string directory, string siteName, TimeSpan validity, DateTimeOffset now)
    {
        if (!ClientCertificatePrincipal.IsValidName(siteName))
        {
            throw new ArgumentException($"site name '{siteName}' must be 1-64 of A-Z a-z 0-9 . _ - (starting alphanumeric)", nameof(siteName));
        }
        var pki = new SitePki(Path.GetFullPath(directory));
        if (File.Exists(pki.CaCertificatePath) || File.Exists(pki.CaKeyPath))
        {
            throw new InvalidOperationException($"a site CA already exists in '{pki.Directory}'; remove it first to make a new one (every issued certificate then stops working)");
        }
        System.IO.Directory.CreateDirectory(pki.Directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={siteName} site CA, O=robot-site", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using X509Certificate2 ca = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity));
        WritePrivate(pki.CaKeyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(pki.CaCertificatePath, ca.ExportCertificatePem());
        return pki;
    }

    /// <summary>Opens the site CA in <paramref name="directory"/>.</summary>
    public static SitePki Open(string directory)
    {
        var pki = new SitePki(Path.GetFullPath(directory));
        if (!File.Exists(pki.CaCertificatePath))
        {
            throw new FileNotFoundException($"no site CA in '{pki.Directory}' (run `robot pki init --dir {directory}` first)", pki.CaCertificatePath);
        }
        return pki;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 LoadCaCertificate() => X509CertificateLoader.LoadCertificate(PemBytes(CaCertificatePath));

    /// <summary>
    /// Issues a certificate named <paramref name="name"/> (the subject CN and the file name).
    /// A client certificate needs a <paramref name="role"/>; a server certificate gets
    /// <paramref name="dnsNames"/> and <paramref name="ipAddresses"/> (default localhost, 127.0.0.1, ::1).
    /// </summary>
    public IssuedCertificate Issue(CertificateKind kind, string name, string? role, TimeSpan validity, DateTimeOffset now,
        IReadOnlyList<string>? dnsNames = null, IReadOnlyList<IPAddress>? ipAddresses = null)
    {
        var errors = new List<string>();
        if (!ClientCertificatePrincipal.IsValidName(name))
        {
            errors.Add($"name '{name}' must be 1-64 of A-Z a-z 0-9 . _ - (starting alphanumeric)");
        }
        if (kind == CertificateKind.Client && !RobotRoles.IsKnown(role))
        {
            errors.Add($"role '{role}' is not one of {string.Join(", ", RobotRoles.All)}");
        }
        if (kind == CertificateKind.Server && role is not null && !RobotRoles.IsKnown(role))
        {
            errors.Add($"role '{role}' is not one of {string.Join(", ", RobotRoles.All)}");
        }
        if (validity <= TimeSpan.Zero)
        {
            errors.Add($"validity must be positive (got {validity})");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }
        if (name.Equals("ca", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("name 'ca' is reserved for the site CA's files", nameof(name));
        }
        using X509Certificate2 caPublic = LoadCaCertificate();
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(CaKeyPath));
        using X509Certificate2 ca = caPublic.CopyWithPrivateKey(caKey);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string subject = role is null ? $"CN={name}, O=robot-site" : $"CN={name}, OU={role}, O=robot-site";
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([kind == CertificateKind.Client ? s_clientAuth : s_serverAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        if (role is not null)
        {
            san.AddUri(new Uri($"{RobotRoles.UriScheme}:{role}"));
        }
        if (kind == CertificateKind.Server)
        {
            foreach (string dns in dnsNames ?? ["localhost"])
            {
                san.AddDnsName(dns);
            }
            foreach (IPAddress ip in ipAddresses ?? [IPAddress.Loopback, IPAddress.IPv6Loopback])
            {
                san.AddIpAddress(ip);
            }
        }
        request.CertificateExtensions.Add(san.Build());
        DateTimeOffset notAfter = now.Add(validity);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using X509Certificate2 issued = request.Create(ca, now.AddMinutes(-5), notAfter, serial);
        string certificatePath = Path.Combine(Directory, name + ".crt.pem");
        string keyPath = Path.Combine(Directory, name + ".key.pem");
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, issued.ExportCertificatePem());
        return new IssuedCertificate(certificatePath, keyPath, issued.Subject, role, notAfter, Convert.ToHexStringLower(SHA256.HashData(issued.RawData)));
    }

    /// <summary>Loads an issued pair (certificate with its private key) for TLS.</summary>
    public static X509Certificate2 LoadWithKey(string certificatePath, string keyPath)
    {
        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Re-import so the key is usable by SslStream on every platform (ephemeral PEM keys are not on Windows).
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Loads a PEM certificate file (public part).</summary>
    public static X509Certificate2 LoadCertificate(string certificatePath) => X509CertificateLoader.LoadCertificate(PemBytes(certificatePath));

    private static byte[] PemBytes(string path)
    {
        string text = File.ReadAllText(path);
        PemFields fields = PemEncoding.Find(text);
        return Convert.FromBase64String(text[fields.Base64Data]);
    }

    private static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }
}
