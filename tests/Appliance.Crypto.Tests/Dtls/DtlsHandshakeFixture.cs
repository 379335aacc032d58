using Appliance.Crypto.Dtls;

namespace Appliance.Crypto.Tests.Dtls;

/// <summary>
/// What the DTLS-SRTP server and client tests share: a server and a client identity for the whole fixture, the
/// usual profile list, and running blocking handshakes on their own threads with a guard against hanging.
/// </summary>
public abstract class DtlsHandshakeFixture
{
    protected static readonly int[] GcmThenCm = [DtlsSrtpProfiles.AeadAes128Gcm, DtlsSrtpProfiles.Aes128CmHmacSha1Tag80];
    protected static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    protected DtlsIdentity ServerIdentity { get; private set; } = null!;

    protected DtlsIdentity ClientIdentity { get; private set; } = null!;

    [OneTimeSetUp]
    public void CreateIdentities()
    {
        ServerIdentity = DtlsIdentity.Create(TimeProvider.System);
        ClientIdentity = DtlsIdentity.Create(TimeProvider.System);
    }

    [OneTimeTearDown]
    public void DisposeIdentities()
    {
        ServerIdentity.Dispose();
        ClientIdentity.Dispose();
    }

    /// <summary>Handshakes block their thread; dedicated threads keep parallel tests from starving the pool and skewing timings.</summary>
    protected static Task<T> RunBlocking<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    protected static async Task<T> CatchAsync<T>(Task task)
        where T : Exception
    {
        try
        {
            await task.WaitAsync(Guard);
        }
        catch (T expected)
        {
            return expected;
        }

        Assert.Fail($"Expected {typeof(T).Name}, but the task completed.");
        throw new InvalidOperationException("unreachable");
    }
}
