using System.Net;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Recording;
using McpGateway.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace McpGateway.Tests.EndToEnd.WebConsole;

/// <summary>
/// The web console in headless Chromium (Debian's package, driven by Playwright) against a real gateway and the real
/// oidc-provider: people sign in through the provider's login form; an agent's held call appears live, is approved or
/// denied in the browser and the agent gets its answer; an auditor replays the agent's session and verifies the chain;
/// someone in no group sees nothing; a forged form is refused. Each page's screenshot goes to docs/console/.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ConsoleBrowserTests
{
    /// <summary>
    /// Where the screenshots go: <c>artifacts/console-screenshots</c>, so that a test run leaves the clone as it found
    /// it; with <c>MCPGW_UPDATE_SCREENSHOTS=1</c> into <c>docs/console</c>, the images docs/console.md shows.
    /// </summary>
    private static readonly string Screenshots = Environment.GetEnvironmentVariable("MCPGW_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(RepoPaths.Root, "docs", "console")
        : Path.Combine(RepoPaths.Root, "artifacts", "console-screenshots");

    private ConsoleRig _rig = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var chromium = Chromium.Find();
        if (chromium is null)
        {
            Assert.Fail(Chromium.Missing);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        _rig = await ConsoleRig.StartAsync(timeout.Token);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        SetDefaultExpectTimeout(15_000);
        Directory.CreateDirectory(Screenshots);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SignIn_ApproverThroughTheProvidersLoginForm_SeesTheOverviewAndApprovalsOnly(CancellationToken cancellationToken)
    {
        await using var context = await NewContextAsync();
        var page = await SignInAsync(context, ConsoleRig.Approver, cancellationToken);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-count=connections]")).ToBeVisibleAsync();

        // A strict policy: scripts only from the console itself, and the page has no inline script at all.
        var again = await page.GotoAsync(_rig.AdminUrl + "/console");
        var policy = await again!.HeaderValueAsync("content-security-policy");
        Assert.That(policy, Does.Contain("script-src 'self'").And.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Not.Contain("unsafe"));
        await Expect(page.Locator("script:not([src])")).ToHaveCountAsync(0);
        await Expect(page.Locator("[style]")).ToHaveCountAsync(0);
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Approvals" })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Sessions" })).ToHaveCountAsync(0);
        await Expect(page.Locator(".who")).ToHaveTextAsync(ConsoleRig.Approver);

        // Sessions are the auditors'; an approver is sent to the page that says so.
        await page.GotoAsync(_rig.AdminUrl + "/console/sessions");
        await Expect(page.Locator("[data-denied]")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Signed out" })).ToBeVisibleAsync();
        var cookies = await context.CookiesAsync([_rig.AdminUrl + "/console"]);
        Assert.That(cookies.Select(c => c.Name), Does.Not.Contain("mcpgw-console"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Approve_HeldCallAppearsLiveAndIsApprovedInTheBrowser_TheAgentsCallCompletes(CancellationToken cancellationToken)
    {
        await using var context = await NewContextAsync();
        var page = await SignInAsync(context, ConsoleRig.Approver, cancellationToken);
        await page.GotoAsync(_rig.AdminUrl + "/console/approvals");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waiting for a decision" })).ToBeVisibleAsync();

        // The page is open before the agent asks: the card must arrive over the live view, with no reload.
        var target = Path.Combine(_rig.Files, "approved.txt");
        var (agent, sessionId) = await _rig.ConnectAgentAsync(OidcProvider.Alice, cancellationToken);
        await using var _ = agent;
        await ConsoleRig.SendWriteAsync(agent, "w1", target, "hello from the agent", cancellationToken);
        var id = await _rig.PendingIdAsync(sessionId, cancellationToken);
        var card = page.Locator($"[data-approval='{id}']");
        await Expect(card).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync(OidcProvider.Alice);
        await Expect(card).ToContainTextAsync("writes");
        await Expect(card).ToContainTextAsync("0 of 1");
        await Expect(card).ToContainTextAsync("hello from the agent");
        await ScreenshotAsync(page, "approvals");
        await page.SetViewportSizeAsync(390, 844);
        await ScreenshotAsync(page, "approvals-phone");
        await page.SetViewportSizeAsync(1280, 900);

        // Keyboard only: focus the card's link and press Enter, then fill the form and submit with Enter on Approve.
        await card.GetByRole(AriaRole.Link, new() { Name = "Review and decide" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Decide" })).ToBeVisibleAsync();
        await page.GetByLabel("Reason").FillAsync("looks right");
        await ScreenshotAsync(page, "approval");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("[data-result]")).ToHaveAttributeAsync("data-result", "decided");
        await Expect(page.Locator("[data-state]")).ToHaveTextAsync("approved");
        var response = await agent.ReadResponseAsync("w1", cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
            Assert.That(File.ReadAllText(target), Is.EqualTo("hello from the agent"));
        });
        var view = await _rig.Desk.GetAsync(id, cancellationToken);
        Assert.That(view!.Votes.Select(v => (v.Approver, v.Approve, v.Reason)), Is.EqualTo(new[] { (ConsoleRig.Approver, true, (string?)"looks right") }));

        // The decision is in the history.
        await page.GotoAsync(_rig.AdminUrl + "/console/approvals?state=approved");
        await Expect(page.Locator($"tr[data-approval='{id}']")).ToContainTextAsync("approved by " + ConsoleRig.Approver + ": looks right");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Deny_ThroughTheNoticesLinkWithAReason_TheAgentGets31004WithTheReason(CancellationToken cancellationToken)
    {
        await using var context = await NewContextAsync();
        var page = await SignInAsync(context, ConsoleRig.Approver, cancellationToken);
        var target = Path.Combine(_rig.Files, "denied.txt");
        var (agent, sessionId) = await _rig.ConnectAgentAsync(OidcProvider.Alice, cancellationToken);
        await using var _ = agent;
        await ConsoleRig.SendWriteAsync(agent, "d1", target, "should not land", cancellationToken);
        var id = await _rig.PendingIdAsync(sessionId, cancellationToken);

        // The URL approval notices carry (the admin API's /approvals/{id}) opens the console's page in a browser.
        await page.GotoAsync($"{_rig.AdminUrl}/approvals/{id}");
        Assert.That(page.Url, Is.EqualTo($"{_rig.AdminUrl}/console/approvals/{id}"));

        // A denial without a reason is not taken.
        await page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();
        await Expect(page.Locator("[data-result]")).ToHaveAttributeAsync("data-result", "reason_required");
        await page.GetByLabel("Reason").FillAsync("not on a Friday");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        await Expect(page.Locator("[data-result]")).ToHaveAttributeAsync("data-result", "decided");
        var response = await agent.ReadResponseAsync("d1", cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That((int?)response["error"]?["code"], Is.EqualTo(-31004), response.ToJsonString());
            Assert.That((string?)response["error"]?["data"]?["approver"], Is.EqualTo(ConsoleRig.Approver));
            Assert.That((string?)response["error"]?["data"]?["approverReason"], Is.EqualTo("not on a Friday"));
            Assert.That(File.Exists(target), Is.False);
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Replay_AuditorStepsThroughTheAgentsSession_EveryFrameShownAndTheReadRecorded(CancellationToken cancellationToken)
    {
        // An agent's session: one call forwarded, one refused by rule no-moves.
        var (agent, sessionId) = await _rig.ConnectAgentAsync(OidcProvider.Alice, cancellationToken);
        await using (agent)
        {
            await agent.RequestAsync("l1", "tools/call", new() { ["name"] = "list_allowed_directories", ["arguments"] = new System.Text.Json.Nodes.JsonObject() }, cancellationToken);
            await agent.RequestAsync("m1", "tools/call", new() { ["name"] = "move_file", ["arguments"] = new System.Text.Json.Nodes.JsonObject { ["source"] = "a", ["destination"] = "b" } }, cancellationToken);
        }

        await using var context = await NewContextAsync();
        var page = await SignInAsync(context, ConsoleRig.Auditor, cancellationToken);
        await page.GotoAsync(_rig.AdminUrl + "/console/sessions?subject=" + OidcProvider.Alice);
        var row = page.Locator($"tr[data-session='{sessionId}']");
        await Expect(row).ToBeVisibleAsync();
        await ScreenshotAsync(page, "sessions");

        await row.GetByRole(AriaRole.Link, new() { Name = sessionId }).ClickAsync();
        await Expect(page.Locator("[data-step]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-what]")).ToHaveTextAsync("session start");
        var refused = page.Locator("table.timeline tr.refused", new() { HasText = "move_file" }).First;
        await Expect(refused).ToContainTextAsync("no-moves");

        // Step through with the keyboard (Next is a link: focus and Enter) until the refused call.
        var steps = await page.Locator("table.timeline tbody tr").CountAsync();
        for (var step = 2; step <= steps; step++)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Next" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-step]")).ToHaveTextAsync(step.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if ((await page.Locator("[data-what]").TextContentAsync())!.Contains("move_file", StringComparison.Ordinal))
            {
                break;
            }
        }

        // The refused call: its verdict, the deciding inspector and rule (a frame never relayed is kept as size and hash only).
        await Expect(page.Locator("[data-what]")).ToContainTextAsync("move_file");
        await Expect(page.Locator("[data-verdict]")).Not.ToHaveTextAsync("forwarded");
        await Expect(page.Locator("section.replay")).ToContainTextAsync("no-moves");
        await Expect(page.Locator("table.timeline pre.json", new() { HasText = "list_allowed_directories" }).First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "session");

        var reads = new List<AuditRecord>();
        await foreach (var stored in _rig.Audit.ReadAsync(1, cancellationToken))
        {
            if (stored.Record is { Kind: AuditEventKind.AuditRead, Connection: "console", Subject: ConsoleRig.Auditor })
            {
                reads.Add(stored.Record);
            }
        }

        Assert.That(reads.Select(r => r.Method), Does.Contain("console/sessions").And.Contain("console/replay"), "every read through the console is recorded");
        Assert.That(reads.Where(r => r.Method == "console/replay").Select(r => r.Reason), Has.Some.StartsWith($"session={sessionId}:"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Verify_AuditorStartsAVerification_ProgressAndResultArriveLive(CancellationToken cancellationToken)
    {
        await using var context = await NewContextAsync();
        var page = await SignInAsync(context, ConsoleRig.Auditor, cancellationToken);
        await page.GotoAsync(_rig.AdminUrl + "/console/audit");
        await Expect(page.Locator("[data-head]")).ToContainTextAsync("#");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start a verification" }).ClickAsync();

        await Expect(page.Locator("[data-verify=intact]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-verify=intact]")).ToContainTextAsync("started by " + ConsoleRig.Auditor);
        await ScreenshotAsync(page, "audit");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task NoGroup_PersonSignedIn_SeesNothing(CancellationToken cancellationToken)
    {
        await using var context = await NewContextAsync();
        var page = await SignInAsync(context, ConsoleRig.Nobody, cancellationToken, expectDenied: true);

        await Expect(page.Locator("[data-denied]")).ToContainTextAsync(ConsoleRig.Nobody);
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "denied");
        foreach (var path in new[] { "/console", "/console/approvals", "/console/sessions", "/console/audit" })
        {
            await page.GotoAsync(_rig.AdminUrl + path);
            Assert.That(page.Url, Does.StartWith(_rig.AdminUrl + "/console/denied"), path);
        }

        var live = await context.APIRequest.GetAsync(_rig.AdminUrl + "/console/live/approvals", new() { MaxRedirects = 0 });
        Assert.That(live.Status, Is.Not.EqualTo((int)HttpStatusCode.OK), "no live view either");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task ForgedPost_WithoutTheAntiforgeryToken_RefusedAndTheCallStaysPending(CancellationToken cancellationToken)
    {
        await using var context = await NewContextAsync();
        var overview = await SignInAsync(context, ConsoleRig.Approver, cancellationToken);
        var held = (await _rig.Desk.ListAsync(ApprovalState.Pending, cancellationToken)).Count;
        var (agent, sessionId) = await _rig.ConnectAgentAsync(OidcProvider.Alice, cancellationToken);
        await using var _ = agent;
        await ConsoleRig.SendWriteAsync(agent, "f1", Path.Combine(_rig.Files, "forged.txt"), "x", cancellationToken);
        var id = await _rig.PendingIdAsync(sessionId, cancellationToken);

        // The overview, open all along, counts the held call without a reload.
        await Expect(overview.Locator("[data-count=held]")).ToHaveTextAsync((held + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ScreenshotAsync(overview, "overview");

        // The signed-in person's cookies go along (as from a page on another site), but no token of the console's form.
        var forged = await context.APIRequest.PostAsync($"{_rig.AdminUrl}/console/approvals/{id}/decide", new()
        {
            Form = context.APIRequest.CreateFormData().Set("decision", "approve").Set("reason", "forged"),
            MaxRedirects = 0,
        });

        Assert.That(forged.Status, Is.EqualTo((int)HttpStatusCode.BadRequest), await forged.TextAsync());
        var view = await _rig.Desk.GetAsync(id, cancellationToken);
        Assert.That((view!.State, view.Votes.Count), Is.EqualTo((ApprovalState.Pending, 0)));
    }

    private Task<IBrowserContext> NewContextAsync() =>
        _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

    /// <summary>Opens the console, signs in at the provider's login form as <paramref name="login"/>, and returns on a console page.</summary>
    private async Task<IPage> SignInAsync(IBrowserContext context, string login, CancellationToken cancellationToken, bool expectDenied = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_rig.AdminUrl + "/console");
        Assert.That(page.Url, Does.StartWith(_rig.Provider.Issuer), "an unsigned visitor is sent to the issuer");
        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.Locator("button[type=submit]").ClickAsync();

        // The provider asks a loopback (native) client's user to confirm every time.
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(_rig.AdminUrl + (expectDenied ? "/console/denied**" : "/console"), new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            var text = await page.Locator("body").InnerTextAsync();
            Assert.Fail($"signing in as {login} ended at {page.Url}: {text[..Math.Min(text.Length, 2000)]}\n{_rig.Provider.Describe()}");
        }

        return page;
    }

    private static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
}
