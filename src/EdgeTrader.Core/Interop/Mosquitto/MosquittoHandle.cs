using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Mosquitto;

/// <summary>
/// Owns one <c>struct mosquitto*</c> and the GCHandle that libmosquitto passes back to the callbacks as <c>obj</c>.
/// Both are released together, and only when no native call is using the client any more (SafeHandle reference
/// counting): after <c>mosquitto_destroy</c> no callback can run, so the GCHandle is never resolved after it is freed.
/// </summary>
internal sealed class MosquittoHandle : SafeHandle
{
    /// <summary>Used by the generated marshaller of <c>mosquitto_new</c>.</summary>
    public MosquittoHandle() : base(0, ownsHandle: true) { }

    /// <summary>The callbacks' <c>obj</c>; freed with the client.</summary>
    internal GCHandle Owner { get; set; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LibMosquitto.Destroy(handle);
        if (Owner.IsAllocated) Owner.Free();
        return true;
    }
}
