using System.Text;
using Appliance.Core.Audit;
using Appliance.Storage.Audit;

namespace Appliance.Storage.Tests.Audit;

public sealed class FileAuditLogTests : StorageTestBase
{
    private AuditLogOptions AuditOptions(int every = 4) => new() { DataDirectory = DataDirectory, CheckpointEvery = every };

    private string LogPath => Path.Combine(DataDirectory, "audit.log");

    private string AnchorPath => Path.Combine(DataDirectory, "audit.checkpoint");

    private static AuditEvent Event(int i) =>
        new($"u-{i}", AuditAction.MeetingBooked, $"m-{i}", AuditOutcome.Success, new Dictionary<string, string> { ["level"] = "internal", ["ip"] = "10.0.0." + i });

    /// <summary>Writes <paramref name="count"/> entries with a checkpoint every <paramref name="every"/>, and closes the log (which signs the rest).</summary>
    private async Task WriteAsync(int count, int every = 4, bool signOnClose = true)
    {
        var log = FileAuditLog.Open(AuditOptions(every), TimeProvider.System);
        for (var i = 1; i <= count; i++)
        {
            await log.AppendAsync(Event(i));
        }

        if (signOnClose)
        {
            await log.DisposeAsync();
        }
        else
        {
            log.Dispose();
        }
    }

    private Task<AuditVerification> VerifyAsync() => FileAuditLog.VerifyFileAsync(AuditOptions());

    private List<string> Lines() => [.. File.ReadAllLines(LogPath)];

    private int LineOf(long sequence) => Lines().FindIndex(l => l.StartsWith($"{{\"type\":\"entry\",\"seq\":{sequence},", StringComparison.Ordinal));

    [Test]
    public async Task Appended_entries_are_chained_read_back_and_verify()
    {
        await using var log = FileAuditLog.Open(AuditOptions(), TimeProvider.System);
        var first = await log.AppendAsync(Event(1));
        var second = await log.AppendAsync(Event(2));

        var read = await log.ReadAsync(1, 10);
        var verification = await log.VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Sequence, Is.EqualTo(1));
            Assert.That(first.PreviousHash, Is.EqualTo(AuditChain.GenesisHash));
            Assert.That(second.PreviousHash, Is.EqualTo(first.Hash));
            Assert.That(read, Has.Count.EqualTo(2));
            Assert.That(read[1].Hash, Is.EqualTo(second.Hash));
            Assert.That(read[1].Details, Is.EquivalentTo(second.Details));
            Assert.That(read[0].Time, Is.EqualTo(first.Time));
            Assert.That(verification.Intact, Is.True, verification.Summary);
            Assert.That(verification.UnsignedTail, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_checkpoint_is_signed_every_N_entries_and_on_close()
    {
        await WriteAsync(10, every: 4);

        var verification = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Lines().Count(l => l.Contains("\"type\":\"checkpoint\"", StringComparison.Ordinal)), Is.EqualTo(3), "after 4, after 8, and on close after 10");
            Assert.That(verification.Intact, Is.True, verification.Summary);
            Assert.That(verification.EntriesChecked, Is.EqualTo(10));
            Assert.That(verification.CheckpointsChecked, Is.EqualTo(3));
            Assert.That(verification.LastCheckpointSequence, Is.EqualTo(10));
            Assert.That(verification.UnsignedTail, Is.Zero);
        });
    }

    [Test]
    public async Task Editing_any_single_byte_of_an_entry_names_that_entry()
    {
        await WriteAsync(10, every: 3);
        var original = await File.ReadAllBytesAsync(LogPath);
        var lines = Lines();
        var index = LineOf(5);
        var start = Encoding.UTF8.GetByteCount(string.Join("\n", lines.Take(index))) + 1;
        var length = Encoding.UTF8.GetByteCount(lines[index]);

        var missed = new List<string>();
        for (var offset = start; offset < start + length; offset++)
        {
            var damaged = (byte[])original.Clone();
            // Swap to another character of the same kind where possible (a hex digit for a hex digit), the hardest edit to see.
            damaged[offset] = damaged[offset] switch
            {
                (byte)'0' => (byte)'1',
                (byte)'a' => (byte)'A',
                >= (byte)'1' and <= (byte)'9' => (byte)(damaged[offset] - 1),
                _ => (byte)(damaged[offset] == (byte)'x' ? 'y' : 'x'),
            };
            await File.WriteAllBytesAsync(LogPath, damaged);

            var verification = await VerifyAsync();
            if (verification.Break?.Sequence != 5)
            {
                missed.Add($"offset {offset - start} ('{(char)original[offset]}'): {verification.Summary}");
            }
        }

        Assert.That(missed, Is.Empty);
    }

    [Test]
    public async Task Editing_one_byte_reports_the_entry_line_and_why()
    {
        await WriteAsync(6, every: 100);
        var lines = Lines();
        var index = LineOf(3);
        lines[index] = lines[index].Replace("\"actor\":\"u-3\"", "\"actor\":\"u-9\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(LogPath, lines);

        var verification = await VerifyAsync();

        Assert.That(verification.Break, Is.EqualTo(new AuditBreak(3, index + 1, AuditProblem.HashMismatch, "the entry's content does not match its hash (it was edited).")));
        Assert.That(verification.Summary, Does.StartWith("BROKEN at entry 3 (line 3): HashMismatch"));
    }

    [Test]
    public async Task Deleting_an_entry_is_a_sequence_gap_at_that_entry()
    {
        await WriteAsync(8);
        var lines = Lines();
        lines.RemoveAt(LineOf(4));
        await File.WriteAllLinesAsync(LogPath, lines);

        var verification = await VerifyAsync();

        Assert.That(verification.Break?.Problem, Is.EqualTo(AuditProblem.SequenceGap));
        Assert.That(verification.Break?.Sequence, Is.EqualTo(4));
        Assert.That(verification.LastSequence, Is.EqualTo(3));
    }

    [Test]
    public async Task Swapping_two_entries_is_a_sequence_gap_at_the_first()
    {
        await WriteAsync(8);
        var lines = Lines();
        var (a, b) = (LineOf(2), LineOf(3));
        (lines[a], lines[b]) = (lines[b], lines[a]);
        await File.WriteAllLinesAsync(LogPath, lines);

        var verification = await VerifyAsync();

        Assert.That(verification.Break?.Problem, Is.EqualTo(AuditProblem.SequenceGap));
        Assert.That(verification.Break?.Sequence, Is.EqualTo(2));
    }

    [Test]
    public async Task Renumbering_and_rehashing_an_edited_entry_is_caught_by_the_signed_checkpoint()
    {
        await WriteAsync(4, every: 4);
        // Someone who can write the file edits entry 2 and recomputes every hash after it: the chain is consistent
        // again, but the signed checkpoint over entry 4 no longer matches.
        var entries = Lines().Select(AuditChain.ParseLine).OfType<AuditEntry>().ToList();
        var previous = AuditChain.GenesisHash;
        var forged = new List<string>();
        foreach (var entry in entries)
        {
            var changed = entry with { Target = entry.Sequence == 2 ? "m-forged" : entry.Target, PreviousHash = previous };
            changed = changed with { Hash = AuditChain.ComputeHash(changed) };
            previous = changed.Hash;
            forged.Add(AuditChain.FormatLine(changed));
        }

        forged.AddRange(Lines().Where(l => l.Contains("\"type\":\"checkpoint\"", StringComparison.Ordinal)));
        await File.WriteAllLinesAsync(LogPath, forged);

        var verification = await VerifyAsync();

        Assert.That(verification.Break?.Problem, Is.EqualTo(AuditProblem.CheckpointMismatch));
        Assert.That(verification.Break?.Sequence, Is.EqualTo(4));
    }

    [Test]
    public async Task Cutting_signed_entries_off_the_end_is_caught_by_the_checkpoint_kept_beside_the_log()
    {
        await WriteAsync(10, every: 4);
        var lines = Lines();
        await File.WriteAllLinesAsync(LogPath, lines.Take(LineOf(7)));

        var verification = await VerifyAsync();

        Assert.That(verification.Break?.Problem, Is.EqualTo(AuditProblem.Truncated));
        Assert.That(verification.Break?.Message, Does.Contain("ends at entry 6").And.Contain("entry 10"));
    }

    [Test]
    public async Task What_is_not_detectable_unsigned_entries_cut_off_and_the_outside_checkpoint_removed_too()
    {
        // Documented limits: entries after the last signature can be cut without trace, and someone who can delete
        // the checkpoint file as well as cut the log leaves a shorter log that still verifies.
        await WriteAsync(6, every: 4, signOnClose: false);
        await File.WriteAllLinesAsync(LogPath, Lines().Take(LineOf(6)));
        var unsignedCut = await VerifyAsync();

        await File.WriteAllLinesAsync(LogPath, Lines().Take(LineOf(3)));
        File.Delete(AnchorPath);
        var anchorRemoved = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(unsignedCut.Intact, Is.True, unsignedCut.Summary);
            Assert.That(unsignedCut.LastSequence, Is.EqualTo(5));
            Assert.That(unsignedCut.UnsignedTail, Is.EqualTo(1));
            Assert.That(anchorRemoved.Intact, Is.True, anchorRemoved.Summary);
            Assert.That(anchorRemoved.LastSequence, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_checkpoint_signed_by_another_key_is_refused()
    {
        await WriteAsync(4, every: 2);
        File.Delete(Path.Combine(DataDirectory, "audit-signing.key"));
        KeyFile.Create(Path.Combine(DataDirectory, "audit-signing.key"));

        var verification = await VerifyAsync();

        Assert.That(verification.Break?.Problem, Is.EqualTo(AuditProblem.BadCheckpointSignature));
        Assert.That(verification.Break?.Sequence, Is.EqualTo(2));
    }

    [Test]
    public async Task A_torn_last_line_is_reported_and_the_log_is_not_opened_for_more()
    {
        await WriteAsync(3, every: 100, signOnClose: false);
        await File.AppendAllTextAsync(LogPath, "{\"type\":\"entry\",\"seq\":4,\"ti");

        var verification = await VerifyAsync();

        Assert.That(verification.Break?.Problem, Is.EqualTo(AuditProblem.UnparsableLine));
        Assert.That(verification.Break?.Sequence, Is.EqualTo(4));
        Assert.That(() => FileAuditLog.Open(AuditOptions(), TimeProvider.System), Throws.TypeOf<StorageException>().With.Message.Contains("verify-audit"));
    }

    [Test]
    public async Task Reopening_continues_the_chain()
    {
        await WriteAsync(3);
        await using (var log = FileAuditLog.Open(AuditOptions(), TimeProvider.System))
        {
            var next = await log.AppendAsync(Event(4));
            Assert.That(next.Sequence, Is.EqualTo(4));
        }

        var verification = await VerifyAsync();
        Assert.That(verification.Intact, Is.True, verification.Summary);
        Assert.That(verification.LastSequence, Is.EqualTo(4));
    }

    [Test]
    public async Task A_page_of_the_newest_entries_reads_only_its_part_of_a_long_log()
    {
        await WriteAsync(20_000, every: 100);
        await using var log = FileAuditLog.Open(AuditOptions(every: 100), TimeProvider.System);
        var fileLength = new FileInfo(LogPath).Length;

        var newest = await log.ReadBackwardAsync(long.MaxValue, 101, null);
        var newestBytes = log.BytesRead;
        var older = await log.ReadBackwardAsync(newest[99].Sequence - 1, 101, null);
        var newer = await log.ReadForwardAsync(older[99].Sequence + 1, 100, null);

        Assert.Multiple(() =>
        {
            Assert.That(newest.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(19_900, 101).Reverse().Select(i => (long)i)));
            Assert.That(newest[0].Target, Is.EqualTo("m-20000"));
            Assert.That(newestBytes, Is.GreaterThan(0).And.LessThan(fileLength / 100), "a page reads its own entries, not the file");
            Assert.That(older.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(19_800, 101).Reverse().Select(i => (long)i)));
            Assert.That(newer.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(19_802, 100).Select(i => (long)i)));
            Assert.That(log.BytesRead, Is.LessThan(fileLength / 20));
        });
    }

    [Test]
    public async Task Filtered_pages_meet_at_their_boundaries_and_read_only_as_far_as_they_need()
    {
        await WriteAsync(20_000, every: 100);
        await using var log = FileAuditLog.Open(AuditOptions(every: 100), TimeProvider.System);
        static bool Seventh(AuditEntry e) => int.Parse(e.Actor[2..], System.Globalization.CultureInfo.InvariantCulture) % 7 == 0;
        var expected = Enumerable.Range(1, 20_000).Where(i => i % 7 == 0).Reverse().Select(i => (long)i).ToList();

        var first = await log.ReadBackwardAsync(long.MaxValue, 100, new AuditFilter(Match: Seventh));
        var firstBytes = log.BytesRead;
        var second = await log.ReadBackwardAsync(first[^1].Sequence - 1, 100, new AuditFilter(Match: Seventh));
        var backAgain = await log.ReadForwardAsync(second[0].Sequence + 1, 100, new AuditFilter(Match: Seventh));
        var beyondTheEnd = await log.ReadForwardAsync(20_001, 100, new AuditFilter(Match: Seventh));
        var beforeTheStart = await log.ReadBackwardAsync(6, 100, new AuditFilter(Match: Seventh));
        var last = await log.ReadBackwardAsync(13, 100, new AuditFilter(Match: Seventh));

        Assert.Multiple(() =>
        {
            Assert.That(first.Concat(second).Select(e => e.Sequence), Is.EqualTo(expected.Take(200)));
            Assert.That(backAgain.Select(e => e.Sequence), Is.EqualTo(first.Select(e => e.Sequence).Reverse()));
            Assert.That(firstBytes, Is.LessThan(new FileInfo(LogPath).Length / 10), "700 entries of 20,000 are read, not all");
            Assert.That(beyondTheEnd, Is.Empty);
            Assert.That(beforeTheStart, Is.Empty);
            Assert.That(last.Select(e => e.Sequence), Is.EqualTo(new long[] { 7 }));
        });
    }

    [Test]
    public async Task A_period_far_back_is_found_by_time_without_reading_the_entries_after_it()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(1));
        await using (var writer = FileAuditLog.Open(AuditOptions(every: 100), clock))
        {
            for (var i = 1; i <= 20_000; i++)
            {
                await writer.AppendAsync(Event(i));
            }
        }

        await using var log = FileAuditLog.Open(AuditOptions(every: 100), TimeProvider.System);
        var all = await log.ReadAsync(1, 100_000);
        var period = new AuditFilter(new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 4, 0, 0, 0, TimeSpan.Zero));
        var inPeriod = all.Where(e => period.InPeriod(e.Time)).Select(e => e.Sequence).ToList();
        var before = log.BytesRead;

        var newest = await log.ReadBackwardAsync(long.MaxValue, 100, period);
        var oldest = await log.ReadForwardAsync(1, 100, period);
        var read = log.BytesRead - before;

        Assert.Multiple(() =>
        {
            Assert.That(inPeriod, Has.Count.GreaterThan(1000));
            Assert.That(newest.Select(e => e.Sequence), Is.EqualTo(inPeriod.AsEnumerable().Reverse().Take(100)));
            Assert.That(oldest.Select(e => e.Sequence), Is.EqualTo(inPeriod.Take(100)));
            Assert.That(read, Is.LessThan(new FileInfo(LogPath).Length / 50), "only entries of the period are read");
        });
    }

    [Test]
    public async Task Entries_appended_after_opening_are_read_from_the_index()
    {
        await WriteAsync(5, every: 2);
        await using var log = FileAuditLog.Open(AuditOptions(every: 2), TimeProvider.System);
        await log.AppendAsync(Event(6));
        await log.AppendAsync(Event(7));

        var newest = await log.ReadBackwardAsync(long.MaxValue, 3, null);
        var all = await log.ReadAsync(1, 100);

        Assert.Multiple(() =>
        {
            Assert.That(newest.Select(e => e.Target), Is.EqualTo(new[] { "m-7", "m-6", "m-5" }));
            Assert.That(all.Select(e => e.Sequence), Is.EqualTo(Enumerable.Range(1, 7).Select(i => (long)i)));
        });
    }

    [Test]
    public async Task Concurrent_appends_keep_one_consistent_chain()
    {
        await using (var log = FileAuditLog.Open(AuditOptions(every: 7), TimeProvider.System))
        {
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    await log.AppendAsync(Event((w * 100) + i));
                }
            }));
            var checkpoints = Task.Run(async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await log.CheckpointAsync();
                }
            });
            await Task.WhenAll(writers.Append(checkpoints));
        }

        var verification = await VerifyAsync();

        Assert.That(verification.Intact, Is.True, verification.Summary);
        Assert.That(verification.LastSequence, Is.EqualTo(320));
        Assert.That(Lines().Select(AuditChain.ParseLine).OfType<AuditEntry>().Select(e => e.Target), Is.Unique);
    }

    [TestCase("message")]
    [TestCase("chatText")]
    [TestCase("pin")]
    [TestCase("accessToken")]
    public async Task Details_that_look_like_content_or_secrets_are_refused(string key)
    {
        await using var log = FileAuditLog.Open(AuditOptions(), TimeProvider.System);

        Assert.That(
            async () => await log.AppendAsync(new AuditEvent("u-1", AuditAction.Denied, "m-1", AuditOutcome.Denied, new Dictionary<string, string> { [key] = "x" })),
            Throws.ArgumentException);
    }

    [Test]
    public async Task The_log_checkpoint_and_signing_key_are_readable_by_the_owner_only()
    {
        await WriteAsync(4);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var name in new[] { "audit.log", "audit.checkpoint", "audit-signing.key" })
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(DataDirectory, name)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), name);
        }
    }

    [Test]
    public async Task A_log_without_its_signing_key_is_not_given_a_new_one()
    {
        await WriteAsync(2);
        File.Delete(Path.Combine(DataDirectory, "audit-signing.key"));

        Assert.That(() => FileAuditLog.Open(AuditOptions(), TimeProvider.System), Throws.TypeOf<StorageException>().With.Message.Contains("missing"));
        Assert.That(() => FileAuditLog.VerifyFileAsync(AuditOptions()), Throws.TypeOf<StorageException>().With.Message.Contains("missing"));
    }

    /// <summary>A clock that moves on by a step each time it is read, so that entries are spread over days.</summary>
    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private DateTimeOffset _next = start;

        public override DateTimeOffset GetUtcNow()
        {
            var now = _next;
            _next += step;
            return now;
        }
    }
}
