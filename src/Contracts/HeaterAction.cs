namespace HeaterOrleans.Contracts;

/// <summary>
/// The action sent to a heater. Values equal the wire enum <c>HeaterCommand</c> (On = 0, Off = 1);
/// this copy exists because grain state and grain calls need an Orleans-serializable type,
/// and the generated protobuf enum cannot carry Orleans attributes.
/// </summary>
[GenerateSerializer]
public enum HeaterAction
{
    On = 0,
    Off = 1,
}
