using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Appliance.Media.Transport;

/// <summary>
/// Linux batched UDP on the media server's socket: <c>recvmmsg(2)</c> into <see cref="ReceiveSlots"/> slots and
/// <c>sendmmsg(2)</c> from <see cref="SendSlots"/> slots, so that one system call moves a burst of datagrams.
/// Every buffer, address, <c>iovec</c> and <c>mmsghdr</c> is native memory allocated once, here; the calls
/// allocate nothing. One thread (the receive thread) uses an instance; other threads keep using the socket.
/// </summary>
/// <remarks>
/// The socket's handle is referenced around each call, as <see cref="Socket"/>'s own synchronous calls do, so a
/// dispose of the socket from another thread waits for the call (and shuts the socket down to end it) instead of
/// leaving the number to a file opened next. Works whether or not the socket is in non-blocking mode: a call
/// that would block waits in <c>poll(2)</c>.
/// </remarks>
internal sealed unsafe partial class BatchedDatagramIo : IDisposable
{
    /// <summary>Datagrams one <c>sendmmsg</c> sends at most; the batch is flushed when it is full.</summary>
    public const int SendSlots = 64;

    /// <summary>Datagrams one <c>recvmmsg</c> takes at most.</summary>
    public const int ReceiveSlots = 32;

    /// <summary>The errno of a call on a closed socket (EBADF).</summary>
    public const int SocketClosedError = EBADF;

    // sizeof(struct sockaddr_storage): any address family's sockaddr fits.
    private const int AddressSize = 128;

    // How often one flush waits for room in the socket buffer before it drops the rest (counted as send failures).
    private const int MaxSendWaits = 3;
    private const int SendWaitMilliseconds = 2;

    // Linux's values, the same on every architecture .NET runs on.
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int EBADF = 9;
    private const int ENOBUFS = 105;
    private const int MSG_TRUNC = 0x20;
    private const int MSG_WAITFORONE = 0x10000;
    private const short POLLIN = 0x1;
    private const short POLLOUT = 0x4;

    private readonly SafeSocketHandle _handle;
    private readonly int _sendSlotSize;
    private readonly int _receiveSlotSize;
    private readonly int[] _sendErrors = new int[SendSlots];
    private byte* _memory;
    private MultiMessageHeader* _sendHeaders;
    private MultiMessageHeader* _receiveHeaders;
    private byte* _receiveData;
    private byte* _sendData;
    private int _queued;

    private BatchedDatagramIo(Socket socket, int receiveSlotSize, int sendSlotSize)
    {
        _handle = socket.SafeHandle;
        _receiveSlotSize = receiveSlotSize;
        _sendSlotSize = sendSlotSize;

        // One block: headers, vectors and addresses for both directions, then the data slots.
        var headerBytes = sizeof(MultiMessageHeader) + sizeof(IoVector) + AddressSize;
        var total = ((nuint)(SendSlots + ReceiveSlots) * (nuint)headerBytes) + ((nuint)SendSlots * (nuint)sendSlotSize) + ((nuint)ReceiveSlots * (nuint)receiveSlotSize);
        _memory = (byte*)NativeMemory.AlignedAlloc(total, 64);
        NativeMemory.Clear(_memory, total);

        var next = _memory;
        _sendHeaders = (MultiMessageHeader*)next;
        next += SendSlots * sizeof(MultiMessageHeader);
        _receiveHeaders = (MultiMessageHeader*)next;
        next += ReceiveSlots * sizeof(MultiMessageHeader);
        var sendVectors = (IoVector*)next;
        next += SendSlots * sizeof(IoVector);
        var receiveVectors = (IoVector*)next;
        next += ReceiveSlots * sizeof(IoVector);
        var sendAddresses = next;
        next += SendSlots * AddressSize;
        var receiveAddresses = next;
        next += ReceiveSlots * AddressSize;
        _sendData = next;
        next += SendSlots * sendSlotSize;
        _receiveData = next;

        for (var i = 0; i < SendSlots; i++)
        {
            sendVectors[i].Base = _sendData + (i * sendSlotSize);
            _sendHeaders[i].Header.Name = sendAddresses + (i * AddressSize);
            _sendHeaders[i].Header.Vectors = sendVectors + i;
            _sendHeaders[i].Header.VectorCount = 1;
        }

        for (var i = 0; i < ReceiveSlots; i++)
        {
            receiveVectors[i].Base = _receiveData + (i * receiveSlotSize);
            receiveVectors[i].Length = (nuint)receiveSlotSize;
            _receiveHeaders[i].Header.Name = receiveAddresses + (i * AddressSize);
            _receiveHeaders[i].Header.Vectors = receiveVectors + i;
            _receiveHeaders[i].Header.VectorCount = 1;
        }
    }

    ~BatchedDatagramIo() => Free();

    /// <summary>Datagrams queued by <see cref="TryQueueSend"/> and not yet sent by <see cref="SendQueued"/>.</summary>
    public int QueuedSends => _queued;

    /// <summary>Where the next datagram to send is written, <c>sendSlotSize</c> bytes; see <see cref="TryQueueSend"/>.</summary>
    public Span<byte> NextSendBuffer => _queued < SendSlots
        ? new Span<byte>(_sendData + (_queued * _sendSlotSize), _sendSlotSize)
        : throw new InvalidOperationException("The send batch is full; send it first.");

    /// <summary>
    /// Batched I/O for <paramref name="socket"/>, or null where it is not available (not Linux, no libc with
    /// <c>sendmmsg</c>); the caller then uses the socket's own calls.
    /// </summary>
    /// <param name="socket">A UDP socket, bound.</param>
    /// <param name="receiveSlotSize">Bytes per received datagram; a longer one is reported with its whole length and truncated data.</param>
    /// <param name="sendSlotSize">Bytes per datagram to send.</param>
    public static BatchedDatagramIo? TryCreate(Socket socket, int receiveSlotSize, int sendSlotSize)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var io = new BatchedDatagramIo(socket, receiveSlotSize, sendSlotSize);
        try
        {
            // Binds the entry points now: a libc without them means the fallback, not a failure per packet.
            _ = SendMultiple(-1, null, 0, 0);
            _ = ReceiveMultiple(-1, null, 0, 0, null);
            _ = Poll(null, 0, 0);
            return io;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            io.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Queues the datagram written into <see cref="NextSendBuffer"/> (its first <paramref name="length"/> bytes)
    /// for <paramref name="socketAddress"/>, a native <c>sockaddr</c> as <see cref="System.Net.SocketAddress.Buffer"/> holds it.
    /// </summary>
    /// <returns>False when the batch is full or the address or length does not fit.</returns>
    public bool TryQueueSend(ReadOnlySpan<byte> socketAddress, int length)
    {
        if (_queued >= SendSlots || socketAddress.IsEmpty || socketAddress.Length > AddressSize || (uint)length > (uint)_sendSlotSize)
        {
            return false;
        }

        ref var header = ref _sendHeaders[_queued].Header;
        socketAddress.CopyTo(new Span<byte>(header.Name, AddressSize));
        header.NameLength = (uint)socketAddress.Length;
        header.Vectors->Length = (nuint)length;
        _sendErrors[_queued] = 0;
        _queued++;
        return true;
    }

    /// <summary>The length of queued datagram <paramref name="slot"/>.</summary>
    public int QueuedLength(int slot) => (int)_sendHeaders[CheckQueued(slot)].Header.Vectors->Length;

    /// <summary>After <see cref="SendQueued"/>: 0 when datagram <paramref name="slot"/> was sent, else the errno that refused it.</summary>
    public int SendError(int slot) => _sendErrors[CheckQueued(slot)];

    /// <summary>
    /// Sends every queued datagram with as few <c>sendmmsg</c> calls as it takes: after a partial send, the rest;
    /// a datagram the kernel refuses is skipped with its errno; when the socket buffer stays full (EAGAIN,
    /// ENOBUFS) after a few short waits, the rest are dropped with that errno. Read the outcome with
    /// <see cref="SendError"/>, then <see cref="ClearSends"/>.
    /// </summary>
    public void SendQueued()
    {
        var start = 0;
        var waits = 0;
        while (start < _queued)
        {
            var sent = -1;
            var error = EBADF;
            if (TryReference())
            {
                try
                {
                    sent = SendMultiple(Descriptor, _sendHeaders + start, (uint)(_queued - start), 0);
                    error = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                finally
                {
                    _handle.DangerousRelease();
                }
            }

            if (sent > 0)
            {
                start += sent;
                continue;
            }

            if (sent == 0)
            {
                // No progress and no error: treat it as a full buffer, so that it cannot go round forever.
                error = EAGAIN;
            }

            if (error == EINTR)
            {
                continue;
            }

            if (error is EAGAIN or ENOBUFS && waits < MaxSendWaits)
            {
                waits++;
                Wait(POLLOUT, SendWaitMilliseconds);
                continue;
            }

            if (error is EAGAIN or ENOBUFS or EBADF)
            {
                // Still no room, or no socket: what is left is lost, as a full queue on the path would lose it.
                for (; start < _queued; start++)
                {
                    _sendErrors[start] = error;
                }

                break;
            }

            // The kernel refused the first datagram of the call (an unroutable address, too long): skip it alone.
            _sendErrors[start++] = error;
        }
    }

    /// <summary>Empties the send batch.</summary>
    public void ClearSends() => _queued = 0;

    /// <summary>
    /// Receives up to <see cref="ReceiveSlots"/> datagrams: waits for the first (<c>MSG_WAITFORONE</c>), then takes
    /// what is queued. A blocking socket waits as its own receive call would (for ever, or SO_RCVTIMEO); a
    /// non-blocking one, or one whose SO_RCVTIMEO ran out, waits in <c>poll(2)</c> for at most
    /// <paramref name="timeoutMilliseconds"/> more.
    /// </summary>
    /// <returns>How many datagrams (0 after a timeout or a shutdown), or -1 with <paramref name="error"/> the errno (EBADF when the socket is closed).</returns>
    public int Receive(int timeoutMilliseconds, out int error)
    {
        for (var i = 0; i < ReceiveSlots; i++)
        {
            _receiveHeaders[i].Header.NameLength = AddressSize;
            _receiveHeaders[i].Header.Flags = 0;
            _receiveHeaders[i].Length = 0;
        }

        var waited = false;
        while (true)
        {
            if (!TryReference())
            {
                error = EBADF;
                return -1;
            }

            int received;
            try
            {
                // MSG_TRUNC: a datagram longer than its slot reports its whole length, so that it is seen as oversized.
                received = ReceiveMultiple(Descriptor, _receiveHeaders, ReceiveSlots, MSG_WAITFORONE | MSG_TRUNC, null);
                error = received < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            finally
            {
                _handle.DangerousRelease();
            }

            if (received >= 0)
            {
                return received;
            }

            if (error == EINTR)
            {
                continue;
            }

            if (error != EAGAIN)
            {
                return -1;
            }

            // Non-blocking mode, or SO_RCVTIMEO ran out: wait once for data, then let the caller look around.
            if (waited)
            {
                error = 0;
                return 0;
            }

            waited = true;
            if (!Wait(POLLIN, timeoutMilliseconds))
            {
                error = 0;
                return 0;
            }
        }
    }

    /// <summary>The whole length of received datagram <paramref name="slot"/>, which may exceed its slot.</summary>
    public int ReceivedLength(int slot) => (int)_receiveHeaders[CheckReceived(slot)].Length;

    /// <summary>The bytes of received datagram <paramref name="slot"/> that its slot holds, to be changed in place.</summary>
    public Span<byte> ReceivedData(int slot) =>
        new(_receiveData + (CheckReceived(slot) * _receiveSlotSize), Math.Min(ReceivedLength(slot), _receiveSlotSize));

    /// <summary>The native <c>sockaddr</c> that datagram <paramref name="slot"/> came from.</summary>
    public ReadOnlySpan<byte> ReceivedAddress(int slot)
    {
        ref var header = ref _receiveHeaders[CheckReceived(slot)].Header;
        return new ReadOnlySpan<byte>(header.Name, (int)Math.Min(header.NameLength, AddressSize));
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private int Descriptor => (int)_handle.DangerousGetHandle();

    private int CheckQueued(int slot) => (uint)slot < (uint)_queued ? slot : throw new ArgumentOutOfRangeException(nameof(slot));

    private static int CheckReceived(int slot) => (uint)slot < ReceiveSlots ? slot : throw new ArgumentOutOfRangeException(nameof(slot));

    private bool TryReference()
    {
        ObjectDisposedException.ThrowIf(_memory is null, this);
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            // The socket is closed.
        }

        return added;
    }

    /// <summary>Waits in poll(2) for <paramref name="events"/>; true when one came.</summary>
    private bool Wait(short events, int timeoutMilliseconds)
    {
        if (!TryReference())
        {
            return false;
        }

        try
        {
            var descriptor = new PollDescriptor { Descriptor = Descriptor, Events = events };
            return Poll(&descriptor, 1, timeoutMilliseconds) > 0;
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    private void Free()
    {
        if (_memory is not null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
            _sendHeaders = null;
            _receiveHeaders = null;
            _sendData = null;
            _receiveData = null;
        }
    }

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SendMultiple(int descriptor, MultiMessageHeader* messages, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int ReceiveMultiple(int descriptor, MultiMessageHeader* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    // struct iovec
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    // struct msghdr; natural alignment gives glibc's and musl's layouts on 32 and 64 bits (musl's int
    // msg_iovlen and padding read as glibc's size_t on little-endian machines).
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    // struct mmsghdr
    [StructLayout(LayoutKind.Sequential)]
    private struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    // struct pollfd
    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }
}
