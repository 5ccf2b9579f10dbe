using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Robot.Safety.Access;

/// <summary>One allow rule: a fully qualified gRPC method (<c>/package.Service/Method</c>) or a whole service (<c>/package.Service/*</c>).</summary>
/// <param name="Pattern">The method name or service wildcard, as written.</param>
/// <param name="Line">1-based line in the policy file.</param>
public sealed record AccessRule(string Pattern, int Line)
{
    public bool Matches(string method) => Pattern.EndsWith("/*", StringComparison.Ordinal)
        ? method.StartsWith(Pattern[..^1], StringComparison.Ordinal)
        : string.Equals(Pattern, method, StringComparison.Ordinal);
}

/// <summary>The outcome of <see cref="AccessPolicy.Decide"/>.</summary>
public readonly record struct AccessDecision(bool Allowed, string Reason);

/// <summary>A policy file that does not validate: every error, each with file, line, column and field.</summary>
public sealed class AccessPolicyException(string source, IReadOnlyList<string> errors)
    : Exception($"access policy {source} is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Default-deny access policy: a call is allowed only when a rule for the caller's role (or
/// under <c>allRoles</c>) names its method, and only inside the policy's validity window. The
/// file is YAML (JSON is accepted too, being YAML):
/// <code>
/// version: 1
/// notAfter: 2027-12-31T00:00:00Z      # optional; after it every call is denied
/// allRoles: [/grpc.health.v1.Health/*]
/// roles:
///   operator:
///     - /robot.safety.v1.EmergencyStop/Trigger
///   auditor: []
/// </code>
/// Roles are exactly <see cref="RobotRoles.All"/>; a role left out may call nothing.
/// </summary>
public sealed partial class AccessPolicy
{
    /// <summary>The only file version this code reads.</summary>
    public const int SupportedVersion = 1;

    private static readonly string[] s_topLevelKeys = ["version", "description", "notBefore", "notAfter", "allRoles", "roles"];

    private AccessPolicy(string source, DateTimeOffset? notBefore, DateTimeOffset? notAfter, IReadOnlyList<AccessRule> allRoles, IReadOnlyDictionary<string, IReadOnlyList<AccessRule>> roles)
    {
        Source = source;
        NotBefore = notBefore;
        NotAfter = notAfter;
        AllRoles = allRoles;
        Roles = roles;
    }

    /// <summary>Where the policy came from (file path), for messages.</summary>
    public string Source { get; }

    /// <summary>Start of validity (UTC), or null.</summary>
    public DateTimeOffset? NotBefore { get; }

    /// <summary>End of validity (UTC), or null for none.</summary>
    public DateTimeOffset? NotAfter { get; }

    /// <summary>Rules every known role gets.</summary>
    public IReadOnlyList<AccessRule> AllRoles { get; }

    /// <summary>Rules per role; a role not present has none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<AccessRule>> Roles { get; }

    [GeneratedRegex(@"^/([A-Za-z_][A-Za-z0-9_]*\.)*[A-Za-z_][A-Za-z0-9_]*/([A-Za-z_][A-Za-z0-9_]*|\*)$")]
    private static partial Regex MethodPattern();

    /// <summary>Decides whether <paramref name="role"/> may call <paramref name="method"/> (fully qualified) at <paramref name="now"/>.</summary>
    public AccessDecision Decide(string? role, string method, DateTimeOffset now)
    {
        if (NotBefore is { } from && now < from)
        {
            return new(false, $"the access policy is not valid before {from:O}");
        }
        if (NotAfter is { } until && now >= until)
        {
            return new(false, $"the access policy expired at {until:O}");
        }
        if (!RobotRoles.IsKnown(role))
        {
            return new(false, role is null ? "the caller has no role" : $"'{role}' is not a role");
        }
        foreach (AccessRule rule in AllRoles)
        {
            if (rule.Matches(method))
            {
                return new(true, $"allowed for every role by {Source}:{rule.Line}");
            }
        }
        if (Roles.TryGetValue(role!, out IReadOnlyList<AccessRule>? rules))
        {
            foreach (AccessRule rule in rules)
            {
                if (rule.Matches(method))
                {
                    return new(true, $"allowed for {role} by {Source}:{rule.Line}");
                }
            }
        }
        return new(false, $"role {role} may not call {method} (default deny)");
    }

    /// <summary>Rules that match none of <paramref name="knownMethods"/> (typos, removed RPCs), as "file:line: pattern" messages.</summary>
    public IReadOnlyList<string> RulesMatchingNothing(IEnumerable<string> knownMethods)
    {
        string[] methods = knownMethods.ToArray();
        return AllRoles.Concat(Roles.Values.SelectMany(r => r))
            .Where(rule => !methods.Any(rule.Matches))
            .Select(rule => $"{Source}:{rule.Line}: '{rule.Pattern}' matches no known method")
            .ToList();
    }

    /// <summary>Where <see cref="LoadBuiltIn"/> says the policy came from, in messages.</summary>
    public const string BuiltInSource = "access-policy.yaml (built in)";

    /// <summary>Name of the embedded copy of <c>Access/access-policy.yaml</c> (see the project file).</summary>
    private const string BuiltInResource = "Robot.Safety.Access.access-policy.yaml";

    /// <summary>
    /// The shipped default-deny supervisor policy, <c>safety/Robot.Safety/Access/access-policy.yaml</c>,
    /// embedded at build time so it does not depend on the working directory.
    /// </summary>
    public static AccessPolicy LoadBuiltIn() => Parse(BuiltInText(), BuiltInSource);

    /// <summary>The text of the shipped policy (see <see cref="LoadBuiltIn"/>).</summary>
    public static string BuiltInText()
    {
        using Stream stream = typeof(AccessPolicy).Assembly.GetManifestResourceStream(BuiltInResource)
            ?? throw new InvalidOperationException($"the built-in access policy ({BuiltInResource}) is missing from {typeof(AccessPolicy).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Loads and validates the policy file at <paramref name="path"/>.</summary>
    public static AccessPolicy Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses and validates policy text; throws <see cref="AccessPolicyException"/> with every error.</summary>
    public static AccessPolicy Parse(string text, string source = "policy")
    {
        var errors = new List<string>();
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new AccessPolicyException(source, [$"{source}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}"]);
        }
        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new AccessPolicyException(source, [$"{source}:1:1: the policy must be one mapping with version and roles"]);
        }
        string At(YamlNode node) => $"{source}:{node.Start.Line}:{node.Start.Column}";

        int? version = null;
        DateTimeOffset? notBefore = null, notAfter = null;
        var allRoles = new List<AccessRule>();
        var roles = new Dictionary<string, IReadOnlyList<AccessRule>>(StringComparer.Ordinal);
        bool sawRoles = false;
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in root.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!seenKeys.Add(key))
            {
                errors.Add($"{At(keyNode)}: {key}: appears twice");
                continue;
            }
            switch (key)
            {
                case "version":
                    if (value is YamlScalarNode { Value: { } v } && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed == SupportedVersion)
                    {
                        version = parsed;
                    }
                    else
                    {
                        errors.Add($"{At(value)}: version: expected {SupportedVersion}, got '{(value as YamlScalarNode)?.Value}'");
                    }
                    break;
                case "description":
                    break;
                case "notBefore":
                    notBefore = ParseTime(value, key);
                    break;
                case "notAfter":
                    notAfter = ParseTime(value, key);
                    break;
                case "allRoles":
                    allRoles.AddRange(ParseRules(value, "allRoles"));
                    break;
                case "roles":
                    sawRoles = true;
                    if (value is not YamlMappingNode roleMap)
                    {
                        errors.Add($"{At(value)}: roles: expected a mapping of role to a list of methods");
                        break;
                    }
                    foreach (var (roleKey, rules) in roleMap.Children)
                    {
                        string role = (roleKey as YamlScalarNode)?.Value ?? "";
                        if (!RobotRoles.IsKnown(role))
                        {
                            errors.Add($"{At(roleKey)}: roles.{role}: unknown role; expected one of {string.Join(", ", RobotRoles.All)}");
                            continue;
                        }
                        if (roles.ContainsKey(role))
                        {
                            errors.Add($"{At(roleKey)}: roles.{role}: appears twice");
                            continue;
                        }
                        roles[role] = ParseRules(rules, $"roles.{role}");
                    }
                    break;
                default:
                    errors.Add($"{At(keyNode)}: {key}: unknown field; expected one of {string.Join(", ", s_topLevelKeys)}");
                    break;
            }
        }
        if (version is null && !seenKeys.Contains("version"))
        {
            errors.Add($"{At(root)}: version: required (version: {SupportedVersion})");
        }
        if (!sawRoles)
        {
            errors.Add($"{At(root)}: roles: required (a mapping of role to methods; leave a role out to deny it everything)");
        }
        if (notBefore is { } nb && notAfter is { } na && na <= nb)
        {
            errors.Add($"{source}: notAfter ({na:O}) must be after notBefore ({nb:O})");
        }
        if (errors.Count > 0)
        {
            throw new AccessPolicyException(source, errors);
        }
        return new AccessPolicy(source, notBefore, notAfter, allRoles, roles);

        DateTimeOffset? ParseTime(YamlNode node, string field)
        {
            if (node is YamlScalarNode { Value: { } s } &&
                DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t))
            {
                return t;
            }
            errors.Add($"{At(node)}: {field}: expected an ISO 8601 time such as 2027-12-31T00:00:00Z, got '{(node as YamlScalarNode)?.Value}'");
            return null;
        }

        List<AccessRule> ParseRules(YamlNode node, string field)
        {
            var list = new List<AccessRule>();
            if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                return list;
            }
            if (node is not YamlSequenceNode sequence)
            {
                errors.Add($"{At(node)}: {field}: expected a list of fully qualified methods (/package.Service/Method)");
                return list;
            }
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                YamlNode item = sequence.Children[i];
                string? pattern = (item as YamlScalarNode)?.Value;
                if (pattern is null || !MethodPattern().IsMatch(pattern))
                {
                    errors.Add($"{At(item)}: {field}[{i}]: '{pattern}' is not a fully qualified gRPC method (/package.Service/Method or /package.Service/*)");
                    continue;
                }
                list.Add(new AccessRule(pattern, (int)item.Start.Line));
            }
            return list;
        }
    }
}
