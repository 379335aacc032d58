namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// roster.js: the page's roster after the whole list and the updates applied on top of it in revision order. The
/// security code is computed from it, so it must end up the same as the whole list the server holds, and a lost update
/// must be noticed (the page asks again) rather than leave a roster with a key missing.
/// </summary>
[TestFixture]
public sealed class RosterTests
{
    private const string Setup = """
        const { Roster } = await import('/js/roster.js');
        const { securityCode } = await import('/js/e2ee/code.js');
        const { encode } = await import('/js/e2ee/base64url.js');
        const key = (n) => encode(Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i) % 256));
        const entry = (id, n, extra = {}) => ({ participantId: id, displayName: id, connected: true, handRaised: false, publicKey: key(n), senderIndex: n, ...extra });
        const e2ee = (epoch) => ({ enabled: true, required: false, epoch });
        const ids = (r) => r.participants.map((p) => p.participantId).join(',');
        const code = (r) => securityCode(r.e2ee.epoch, r.participants.map((p) => Uint8Array.from(atob(p.publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
        """;

    [Test]
    public async Task Updates_applied_in_order_make_the_whole_roster_and_its_security_code()
    {
        var result = await E2eePage.RunAsync<string[]>(Setup + """
            const held = new Roster();
            held.replace([entry('anna', 1), entry('bo', 2), entry('eva', 3)], e2ee(3), 7);
            const before = held.participants;
            const steps = [
              held.apply({ revision: 8, participants: [entry('ida', 4)], removed: [], e2ee: e2ee(4) }),
              held.apply({ revision: 9, participants: [entry('bo', 2, { handRaised: true })], removed: [], e2ee: e2ee(4) }),
              held.apply({ revision: 10, participants: [], removed: ['anna'], e2ee: e2ee(5) }),
              held.apply({ revision: 11, participants: [entry('eva', 5)], removed: [], e2ee: e2ee(6), extra: 'ignored' }),
              held.apply({ revision: 10, participants: [], removed: ['bo'], e2ee: e2ee(9) }),
            ];
            const whole = new Roster();
            whole.replace([entry('bo', 2, { handRaised: true }), entry('eva', 5), entry('ida', 4)], e2ee(6), 11);
            return [steps.join(','), ids(held), String(held.revision), String(held.participants[0].handRaised),
              String(before.length), String(held.e2ee.epoch), await code(held), await code(whole)];
            """);

        Assert.Multiple(() =>
        {
            Assert.That(result[0], Is.EqualTo("applied,applied,applied,applied,old"), "an update already held is ignored");
            Assert.That(result[1], Is.EqualTo("bo,eva,ida"), "in order of admission, the new one last, the reloaded one in place");
            Assert.That(result[2], Is.EqualTo("11"));
            Assert.That(result[3], Is.EqualTo("true"));
            Assert.That(result[4], Is.EqualTo("3"), "the list handed out before is not changed under its holder");
            Assert.That(result[5], Is.EqualTo("6"), "the epoch of the last update");
            Assert.That(result[6], Is.EqualTo(result[7]), "the same security code as from the whole roster");
        });
    }

    [Test]
    public async Task A_missing_revision_or_a_malformed_update_asks_for_the_whole_roster_once_and_applies_nothing_until_it_comes()
    {
        var result = await E2eePage.RunAsync<string[]>(Setup + """
            const held = new Roster();
            held.replace([entry('anna', 1)], e2ee(1), 3);
            const gap = held.apply({ revision: 5, participants: [entry('bo', 2)], removed: [], e2ee: e2ee(3) }, 1000);
            const meanwhile = held.apply({ revision: 6, participants: [entry('eva', 3)], removed: [], e2ee: e2ee(4) }, 1500);
            const later = held.apply({ revision: 7, participants: [], removed: [], e2ee: e2ee(4) }, 4000);
            const stale = String(held.stale) + ':' + ids(held);
            held.replace([entry('anna', 1), entry('bo', 2), entry('eva', 3)], e2ee(4), 7);
            const after = held.apply({ revision: 8, participants: [], removed: ['eva'], e2ee: e2ee(5) }, 5000);
            const malformed = [
              { revision: 9, participants: [{ displayName: 'no id' }], removed: [], e2ee: e2ee(6) },
              { revision: 9, participants: [], removed: 'bo', e2ee: e2ee(6) },
              { revision: 9, participants: [], removed: [] },
              { revision: -1, participants: [], removed: [], e2ee: e2ee(6) },
              null,
            ].map((m, i) => { const r = new Roster(); r.replace([entry('anna', 1)], e2ee(1), 8); return r.apply(m, 0); });
            const none = new Roster().apply({ revision: 1, participants: [], removed: [], e2ee: e2ee(1) }, 0);
            return [gap, meanwhile, later, stale, after, ids(held), String(held.stale), malformed.join(','), none];
            """);

        Assert.Multiple(() =>
        {
            Assert.That(result[0], Is.EqualTo("ask"), "revision 4 is missing");
            Assert.That(result[1], Is.EqualTo("wait"), "asked just now");
            Assert.That(result[2], Is.EqualTo("ask"), "no answer for a while: ask again");
            Assert.That(result[3], Is.EqualTo("true:anna"), "nothing applied on top of a gap");
            Assert.That(result[4], Is.EqualTo("applied"));
            Assert.That(result[5], Is.EqualTo("anna,bo"));
            Assert.That(result[6], Is.EqualTo("false"));
            Assert.That(result[7], Is.EqualTo("ask,ask,ask,ask,ask"));
            Assert.That(result[8], Is.EqualTo("ask"), "an update before any roster");
        });
    }
}
