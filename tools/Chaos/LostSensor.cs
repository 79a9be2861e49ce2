namespace HeaterOrleans.Chaos;

/// <summary>A sensor whose commands do not contain the model's (1 = On, 0 = Off), for the report.</summary>
public sealed record LostSensor(int SensorId, int Lost, string Expected, string Seen, string Note);
