using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robot.Safety.Audit;

namespace Robot.Safety.Access;

/// <summary>
/// Mutual TLS with the site CA, for Kestrel (server) and gRPC channels (client). The server
/// requires a client certificate and accepts it only when it chains to the site CA (and to
/// nothing else: the system trust store plays no part), is in its validity period and carries
/// clientAuth. Rejected certificates are logged and, when an audit log is given, audited
/// ("access" / "tls.rejected"). <see cref="ListenInsecureLoopback"/> is the development escape
/// hatch: plain HTTP/2, loopback addresses only, a critical warning at start-up.
/// </summary>
public static class SiteMtls
{
    /// <summary>Extended key usage of a TLS client certificate (clientAuth).</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Extended key usage of a TLS server certificate (serverAuth).</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>
    /// Configures <paramref name="https"/> for mutual TLS: <paramref name="serverCertificate"/>
    /// (with its key), client certificates required and validated against <paramref name="siteCa"/>.
    /// A rejected certificate is audited to <paramref name="audit"/> (when given) with Source <paramref name="auditSource"/>.
    /// </summary>
    public static void ConfigureHttps(HttpsConnectionAdapterOptions https, X509Certificate2 serverCertificate, X509Certificate2 siteCa,
        IAuditLog? audit = null, ILogger? logger = null, TimeProvider? time = null, string auditSource = "supervisor")
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentNullException.ThrowIfNull(serverCertificate);
        ArgumentNullException.ThrowIfNull(siteCa);
        if (!serverCertificate.HasPrivateKey)
        {
            throw new ArgumentException("the server certificate has no private key", nameof(serverCertificate));
        }
        ILogger log = logger ?? NullLogger.Instance;
        TimeProvider clock = time ?? TimeProvider.System;
        https.ServerCertificate = serverCertificate;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        https.CheckCertificateRevocation = false;
        https.ClientCertificateValidation = (certificate, _, _) =>
        {
            // The platform's chain (built against the system store) is ignored: only the site CA counts.
            if (ValidateChain(certificate, siteCa, ClientAuthOid, clock.GetUtcNow(), out string reason))
            {
                return true;
            }
            AccessLog.CertificateRejected(log, certificate.Subject, reason);
            if (audit is not null)
            {
                var record = new AuditRecord(clock.GetUtcNow(), auditSource, AuditCategory.Access, "tls.rejected", "denied", "anonymous",
                    Details: System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["subject"] = certificate.Subject, ["issuer"] = certificate.Issuer, ["reason"] = reason }));
                // The TLS callback is synchronous: the record is queued for the next group commit.
                _ = audit.AppendAsync(record).AsTask().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            }
            return false;
        };
    }

    /// <summary>Listens on <paramref name="endpoint"/> with HTTP/2 over mutual TLS (see <see cref="ConfigureHttps"/>).</summary>
    public static void ListenMutualTls(this KestrelServerOptions kestrel, IPEndPoint endpoint, X509Certificate2 serverCertificate, X509Certificate2 siteCa,
        IAuditLog? audit = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(https => ConfigureHttps(https, serverCertificate, siteCa, audit, logger));
        });
    }

    /// <summary>
    /// Listens on a loopback <paramref name="endpoint"/> with plain HTTP/2 and no authentication.
    /// Throws for any non-loopback address; logs a critical warning (and writes it to stderr).
    /// Pair it with <see cref="AccessControlOptions.InsecureLoopback"/> = true.
    /// </summary>
    public static void ListenInsecureLoopback(this KestrelServerOptions kestrel, IPEndPoint endpoint, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(endpoint);
        EnsureLoopback(endpoint.Address);
        WarnInsecure(endpoint.ToString(), logger);
        kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http2);
    }

    /// <summary>Throws unless <paramref name="address"/> is a loopback address (insecure mode's only allowed binding).</summary>
    public static void EnsureLoopback(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!IPAddress.IsLoopback(address))
        {
            throw new InvalidOperationException($"insecure mode may only listen on loopback (127.0.0.1 or ::1); refusing {address}. Configure mutual TLS (robot pki init/issue) to listen elsewhere.");
        }
    }

    /// <summary>
    /// The loud start-up warning of insecure mode: logged as critical and written to
    /// <paramref name="error"/> (default: the process's stderr).
    /// </summary>
    public static void WarnInsecure(string endpoint, ILogger? logger = null, TextWriter? error = null)
    {
        AccessLog.InsecureMode(logger ?? NullLogger.Instance, endpoint);
        (error ?? Console.Error).WriteLine($"""
            ************************************************************************
            WARNING: INSECURE MODE on {endpoint}
            No TLS and no client certificates: any process on this machine can claim
            any role, including safety-engineer. Development on loopback only.
            ************************************************************************
            """);
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to <paramref name="siteCa"/> alone, is
    /// valid at <paramref name="now"/> and carries the extended key usage <paramref name="ekuOid"/>.
    /// </summary>
    public static bool ValidateChain(X509Certificate2 certificate, X509Certificate2 siteCa, string ekuOid, DateTimeOffset now, out string reason)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(siteCa);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(siteCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ekuOid));
        if (!chain.Build(certificate))
        {
            reason = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
            if (reason.Length == 0)
            {
                reason = "the certificate does not chain to the site CA";
            }
            return false;
        }
        X509Certificate2 root = chain.ChainElements[^1].Certificate;
        if (!root.RawData.AsSpan().SequenceEqual(siteCa.RawData))
        {
            reason = $"the certificate chains to '{root.Subject}', not to the site CA";
            return false;
        }
        reason = "";
        return true;
    }

    /// <summary>
    /// A gRPC channel to <paramref name="address"/> (https) that presents <paramref name="clientCertificate"/>
    /// and accepts only a server certificate from <paramref name="siteCa"/> with a matching name.
    /// </summary>
    public static GrpcChannel CreateChannel(Uri address, X509Certificate2 clientCertificate, X509Certificate2 siteCa)
    {
        ArgumentNullException.ThrowIfNull(address);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 server
                    && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
                    && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0
                    && ValidateChain(server, siteCa, ServerAuthOid, DateTimeOffset.UtcNow, out _),
            },
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
