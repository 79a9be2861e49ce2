namespace HeaterOrleans.Chaos;

/// <summary>
/// A sensor with commands beyond the model's that are not exact repeats: what the model wanted (1 = On), and every
/// command seen in the topic's order as action#sequence, to tell a replay from a second activation.
/// </summary>
public sealed record SpuriousSensor(int SensorId, int Spurious, string Expected, string Seen, string Note);
