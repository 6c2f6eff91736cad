namespace Actors.Api.Providers.Bedrock.Credentials;

/// <summary>
/// The shared files AWS's CLI and SDKs write: <c>AWS_SHARED_CREDENTIALS_FILE</c> (default <c>~/.aws/credentials</c>,
/// sections <c>[name]</c>) and <c>AWS_CONFIG_FILE</c> (default <c>~/.aws/config</c>, sections <c>[profile name]</c> and
/// <c>[default]</c>), profile <c>AWS_PROFILE</c> (default <c>default</c>): <c>aws_access_key_id</c>,
/// <c>aws_secret_access_key</c> and <c>aws_session_token</c>. The credentials file wins over the config file.
/// Profiles that only name a role (<c>role_arn</c>/<c>source_profile</c>), an SSO session or a
/// <c>credential_process</c> are not followed: they give no credentials here.
/// </summary>
public sealed class SharedFileCredentialSource(Func<string, string?> environment) : IAwsCredentialSource
{
    public ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken)
    {
        var profile = EnvironmentCredentialSource.NullIfEmpty(environment("AWS_PROFILE")) ?? "default";
        var credentialsFile = Path(environment("AWS_SHARED_CREDENTIALS_FILE"), "credentials");
        var configFile = Path(environment("AWS_CONFIG_FILE"), "config");
        var found = Read(credentialsFile, profile, config: false) ?? Read(configFile, profile, config: true);
        return ValueTask.FromResult(found);
    }

    /// <summary>A file named by the environment (<c>~/</c> expanded) or the default one under the home directory.</summary>
    private string? Path(string? configured, string name)
    {
        var home = EnvironmentCredentialSource.NullIfEmpty(environment("HOME")) ?? EnvironmentCredentialSource.NullIfEmpty(environment("USERPROFILE"));
        if (EnvironmentCredentialSource.NullIfEmpty(configured) is { } path)
            return path.StartsWith("~/", StringComparison.Ordinal) && home is not null ? System.IO.Path.Combine(home, path[2..]) : path;
        return home is null ? null : System.IO.Path.Combine(home, ".aws", name);
    }

    private static AwsCredentials? Read(string? file, string profile, bool config)
    {
        if (file is null || !File.Exists(file)) return null;
        string[] lines;
        try { lines = File.ReadAllLines(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AwsCredentialsException($"cannot read the AWS shared file {file}: {ex.GetType().Name}", ex);
        }
        var values = Section(lines, config && profile != "default" ? [$"profile {profile}"] : config ? ["default", "profile default"] : [profile]);
        return AwsCredentials.Usable(values.GetValueOrDefault("aws_access_key_id"), values.GetValueOrDefault("aws_secret_access_key"))
            ? new AwsCredentials(values["aws_access_key_id"], values["aws_secret_access_key"],
                EnvironmentCredentialSource.NullIfEmpty(values.GetValueOrDefault("aws_session_token")), Source: $"profile {profile} of {file}")
            : null;
    }

    /// <summary>The <c>key = value</c> lines of the named sections (INI, <c>#</c> and <c>;</c> comments).</summary>
    public static Dictionary<string, string> Section(IEnumerable<string> lines, IReadOnlyCollection<string> names)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var inside = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[' && line.EndsWith(']'))
            {
                var name = string.Join(' ', line[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                inside = names.Contains(name);
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (inside && equals > 0) values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }
        return values;
    }
}
