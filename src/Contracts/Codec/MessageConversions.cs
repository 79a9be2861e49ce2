using HeaterOrleans.Contracts.Messages;

namespace HeaterOrleans.Contracts.Codec;

/// <summary>Maps validated wire messages to the grain-call types and back.</summary>
public static class MessageConversions
{
    public static SensorSetting ToSetting(this TemperatureControl message) =>
        new(message.Desired, message.UpDelta, message.DownDelta);

    public static TemperatureControl ToMessage(this SensorSetting setting, int sensorId) => new()
    {
        SensorID = sensorId,
        Desired = setting.Desired,
        UpDelta = setting.UpDelta,
        DownDelta = setting.DownDelta,
    };

    public static HeaterControl ToMessage(this HeaterAction action, int sensorId) =>
        new() { SensorID = sensorId, Command = (HeaterCommand)(int)action };

}
