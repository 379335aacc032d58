using System.Globalization;
using System.Security.Authentication;
using System.Threading.RateLimiting;
using Appliance.Core.Audit;
using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Invitations;
using Appliance.Core.Localization;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Host.Api;
using Appliance.Host.Meetings;
using Appliance.Host.Configuration;
using Appliance.Host.Identity;
using Appliance.Host.Operations;
using Appliance.Host.Policy;
using Appliance.Host.Security;
using Appliance.Host.Signalling;
using Appliance.Host.Tls;
using Appliance.Storage;
using Appliance.Storage.Audit;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Prometheus;
using Serilog;
using Serilog.Events;

namespace Appliance.Host;

/// <summary>Composes the appliance: configuration, storage, identity, pages, API and operations endpoints.</summary>
public static class ApplianceApp
{
    /// <summary>The address served when nothing else is configured.</summary>
    public const string DefaultUrl = "https://localhost:8443";

    /// <summary>Builds the application; <paramref name="configure"/> lets tests adjust the builder.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        var options = builder.Configuration.GetSection(ApplianceOptions.Section).Get<ApplianceOptions>() ?? new ApplianceOptions();
        var dataDirectory = Path.GetFullPath(options.DataDirectory, Directory.GetCurrentDirectory());
        options.DataDirectory = dataDirectory;
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(options);
        // Checked before anything is opened or listens, so that a wrong setting stops the start with every problem named.
        var oidcSecret = options.Oidc.Enabled ? options.Oidc.ValidateAndReadSecret(Directory.GetCurrentDirectory()) : null;

        ConfigureLogging(builder, dataDirectory);

        var time = TimeProvider.System;
        builder.Services.AddSingleton(time);

        // A restore asked for on the system page happens before anything is opened; what it did is reported (log and
        // audit) once the audit log is open.
        var restore = RestoreAtStart.Run(dataDirectory, time);
        if (restore is { Restored: false })
        {
            Console.Error.WriteLine("The requested restore of backup " + restore.Request.Backup + " was refused: " + restore.Detail);
        }

        // Storage first: a broken database must stop the start before anything listens.
        var database = ApplianceDatabase.Open(new StorageOptions { DataDirectory = dataDirectory }, time);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(database.Identity);
        builder.Services.AddSingleton(database.Meetings);
        builder.Services.AddSingleton(database.Invitations);
        builder.Services.AddSingleton(database.Policies);

        // The preset is checked before anything else opens: a mistyped id must stop the start, not install "basic".
        var policyOptions = builder.Configuration.GetSection(PolicyOptions.Section).Get<PolicyOptions>() ?? new PolicyOptions();
        var preset = policyOptions.ValidatedPreset();
        builder.Services.AddSingleton(new FirstStartPolicy(preset, policyOptions.Source));

        // Opened here so that an unreadable log stops the start; handed to the container through a factory so that the
        // container disposes it (closing the file with a final signed checkpoint) when the host shuts down.
        var auditLog = FileAuditLog.Open(new AuditLogOptions { DataDirectory = dataDirectory }, time);
        builder.Services.AddSingleton(_ => auditLog);
        builder.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<FileAuditLog>());

        var certificate = ServerCertificate.Load(options.Tls, dataDirectory, time);
        builder.Services.AddSingleton(certificate);

        builder.Services.AddSingleton<PolicyAdministration>();
        builder.Services.AddSingleton<PolicyEnforcement>();
        builder.Services.AddSingleton(new ActivePolicy(preset));
        // Resolved per use, so that pages and endpoints always show the levels of the version in force.
        builder.Services.AddTransient(sp => sp.GetRequiredService<ActivePolicy>().Catalog);
        builder.Services.AddHostedService(sp => new RestoreReport(restore, sp.GetRequiredService<IAuditLog>(), sp.GetRequiredService<ILogger<RestoreReport>>()));
        // First of the hosted services: the policy in force is loaded before the rooms and sockets start.
        builder.Services.AddHostedService<PolicyStartup>();
        builder.Services.AddSingleton(Texts.Embedded);
        builder.Services.AddSingleton<LocalAccounts>();
        builder.Services.AddSingleton<MeetingPolicy>();
        builder.Services.AddSingleton<GuestEntryPolicy>();
        builder.Services.AddSingleton<Audit.StaffSignInAudit>();
        builder.Services.AddSingleton(sp => new MeetingBook(sp.GetRequiredService<IMeetingStore>(), sp.GetRequiredService<MeetingPolicy>(), sp.GetRequiredService<IAuditLog>(), time));
        builder.Services.AddSingleton(sp => new GuestInvitations(
            sp.GetRequiredService<IInvitationStore>(), sp.GetRequiredService<IMeetingStore>(), sp.GetRequiredService<MeetingBook>(),
            sp.GetRequiredService<MeetingPolicy>(), sp.GetRequiredService<IAuditLog>(), time));
        builder.Services.AddSingleton<DisplayTime>();
        builder.Services.AddSingleton<ApplianceMetrics>();
        builder.Services.AddSingleton<BootstrapAnnouncer>();
        builder.Services.AddSingleton<InvitationLinks>();
        builder.Services.AddSingleton<Appliance.AdminUi.IApplianceStatus, ApplianceStatus>();
        builder.Services.AddSingleton<Appliance.AdminUi.ILiveMeetingControl, LiveMeetingControl>();
        builder.Services.AddSingleton<BackupVerifications>();
        builder.Services.AddSingleton<Appliance.AdminUi.Maintenance.ISystemAdministration, SystemAdministration>();
        // The media plane before the signalling hub: hosted services start in this order and stop in reverse, so the
        // sockets close before the media connections do.
        Media.MediaPlane.Add(builder.Services, builder.Configuration, time);
        SignallingEndpoint.Add(builder.Services, builder.Configuration, time);
        builder.Services.AddSingleton<RetentionJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionJob>());
        builder.Services.AddSingleton<MeetingDurationLimit>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MeetingDurationLimit>());

        ConfigureKestrel(builder, options, certificate);

        builder.Services.AddDataProtection()
            .SetApplicationName("sovereign-meeting-appliance")
            .PersistKeysToFileSystem(PrivateFiles.CreateDirectory(Path.Combine(dataDirectory, SystemAdministration.KeyRingFolderName)));

        var authentication = StaffAuthentication.Add(builder.Services);
        if (oidcSecret is not null)
        {
            OrganisationSignIn.Add(authentication, builder.Services, options.Oidc, oidcSecret, Directory.GetCurrentDirectory());
            // What the users page shows read-only: the claim and its mappings, never the client secret.
            builder.Services.AddSingleton(new Appliance.AdminUi.Maintenance.OrganisationRoleMappings(
                options.Oidc.RoleClaim,
                [.. options.Oidc.RoleMappings.Select(m => new Appliance.AdminUi.Maintenance.OrganisationRoleMapping(m.Value ?? string.Empty, [.. m.Roles]))]));
        }
        GuestSession.Add(builder.Services);

        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__Host-appliance-csrf";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.HeaderName = "X-CSRF-Token";
        });

        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Meetings", StaffAuthentication.OrganiserPolicy);
            o.Conventions.AuthorizeFolder("/Account", StaffAuthentication.StaffPolicy);
            // The folder admits every admin role, so a page added without its own rule is closed to organisers; each
            // page then narrows it to the roles that use it (both must pass).
            o.Conventions.AuthorizeAreaFolder("Admin", "/", StaffAuthentication.AdminAreaPolicy);
            // /admin itself admits every admin role: it shows operators the dashboard and sends the others on to their page.
            o.Conventions.AuthorizeAreaPage("Admin", "/Users", StaffAuthentication.OperatorPolicy);
            o.Conventions.AuthorizeAreaPage("Admin", "/Meetings", StaffAuthentication.OperatorPolicy);
            o.Conventions.AuthorizeAreaPage("Admin", "/System", StaffAuthentication.OperatorPolicy);

            o.Conventions.AuthorizeAreaPage("Admin", "/Policies", StaffAuthentication.PolicyReaderPolicy);
            o.Conventions.AuthorizeAreaPage("Admin", "/Audit", StaffAuthentication.AuditReaderPolicy);
        });

        builder.Services.AddRequestLocalization(o =>
        {
            var cultures = Texts.Languages.Select(l => new CultureInfo(l)).ToList();
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.DefaultRequestCulture = new RequestCulture(Texts.Languages.Contains(options.DefaultLanguage) ? options.DefaultLanguage : "en");
            o.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider { QueryStringKey = "lang", UIQueryStringKey = "lang" },
                new CookieRequestCultureProvider { CookieName = LanguageCookie.Name },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer<ApiDocument>());
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimits.SignIn, ctx => RateLimits.PerClient(ctx, permits: options.SignInRequestsPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimits.Guest, ctx => RateLimits.PerClient(ctx, permits: options.GuestRequestsPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RateLimits.Api, ctx => RateLimits.PerClient(ctx, permits: options.ApiRequestsPerMinute, TimeSpan.FromMinutes(1)));
            o.OnRejected = RateLimits.OnRejectedAsync;
        });

        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<CertificateHealthCheck>("certificate");

        var app = builder.Build();
        // Created now so that its gauges (certificate expiry, storage size) are exported from the first scrape.
        app.Services.GetRequiredService<ApplianceMetrics>();
        Media.MediaPlane.Bind(app.Services);
        Compose(app);
        return app;
    }

    /// <summary>Builds and runs until shut down; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // Command-line verbs run before the web host is built: they must work while another instance holds the ports.
        if (args.Length > 0 && args[0] == AuditVerifyCommand.Verb)
        {
            return await AuditVerifyCommand.RunAsync(args[1..], Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == AutomationToken.Verb)
        {
            return await AutomationToken.RunAsync(args[1..], Console.Out, Console.Error);
        }

        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (Exception ex) when (ex is StorageException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // Start-up problems are the operator's to fix: say what and where, without a stack trace.
            await Console.Error.WriteLineAsync("The appliance cannot start: " + ex.Message);
            Log.CloseAndFlush();
            return 2;
        }

        await using (app)
        {
            await app.StartAsync();
            await app.Services.GetRequiredService<BootstrapAnnouncer>().AnnounceAsync(app);
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, string dataDirectory)
    {
        var logDirectory = Path.Combine(dataDirectory, "logs");
        builder.Services.AddSerilog((services, logger) => logger
            .MinimumLevel.Information()
            // The framework's own request logs carry raw paths, and guest paths hold tokens: ours log the route instead.
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.AspNetCore.Hosting.Diagnostics", LogEventLevel.Error)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<RequestPathRedaction>()
            .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture)
            .WriteTo.File(
                new Serilog.Formatting.Compact.CompactJsonFormatter(),
                Path.Combine(logDirectory, "appliance-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 100L * 1024 * 1024,
                rollOnFileSizeLimit: true));
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, ApplianceOptions options, ServerCertificate certificate)
    {
        var urls = builder.Configuration["urls"];
        var hasEndpoints = builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (string.IsNullOrWhiteSpace(urls) && !hasEndpoints)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.MaxRequestLineSize = 8 * 1024;
            k.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = certificate.Certificate;
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            });
            k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http1AndHttp2);
        });
    }

    private static void Compose(WebApplication app)
    {
        app.UseMiddleware<RequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<SecurityHeaders>();
        app.UseHsts();
        app.UseRequestLocalization();
        app.UseStaticFiles();
        SignallingEndpoint.Map(app);
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseHttpMetrics();

        app.MapHealthChecks("/healthz", HealthResponse.Options).DisableRateLimiting();
        app.MapMetrics("/metrics").AddEndpointFilter<IEndpointConventionBuilder, LocalNetworkOnly>();
        app.MapGet("/css/markings.css", MarkingStylesheet.Render).AllowAnonymous();
        WebClient.ClientTexts.Map(app);
        app.MapGet("/language/{language}", LanguageCookie.Set).AllowAnonymous();
        app.MapOpenApi("/api/v1/openapi.json").AllowAnonymous();
        MeetingsApi.Map(app);
        app.MapRazorPages();
    }
}
