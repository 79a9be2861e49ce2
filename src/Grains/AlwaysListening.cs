namespace HeaterOrleans.Grains;

/// <summary>The gate of a silo without an ingress of its own (grains called directly): always listening.</summary>
internal sealed class AlwaysListening : IFailsafeGate
{
    public bool IsListening => true;
}
