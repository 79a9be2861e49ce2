using HeaterOrleans.Contracts;
using HeaterOrleans.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace HeaterOrleans.UnitTests;

/// <summary>Stored state is Orleans' binary format keyed by [Id]: a later version of the type still reads it.</summary>
public class SensorStateVersioningTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(SensorStateVersioningTests).Assembly).AddAssembly(typeof(SensorState).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    [Fact]
    public void State_written_today_loads_into_a_type_with_a_new_member()
    {
        var today = new SensorState
        {
            Setting = new SensorSetting(21.5, 0.5, 0.25),
            LastAction = HeaterAction.Off,
            LastReading = 22.5,
            UpdatedAt = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero),
            Sequence = 42,
        };

        var later = Serializer.Deserialize<SensorStateNextVersion>(Serializer.SerializeToArray(today))!;

        Assert.Equal(today.Setting, later.Setting);
        Assert.Equal(today.LastAction, later.LastAction);
        Assert.Equal(today.LastReading, later.LastReading);
        Assert.Equal(today.UpdatedAt, later.UpdatedAt);
        Assert.Equal(42, later.Sequence);
        Assert.Null(later.StaleSince);
    }

    [Fact]
    public void State_written_by_a_later_version_loads_into_today_s_type()
    {
        var later = new SensorStateNextVersion { LastAction = HeaterAction.On, Sequence = 7, StaleSince = DateTimeOffset.UnixEpoch };

        var today = Serializer.Deserialize<SensorState>(Serializer.SerializeToArray(later))!;

        Assert.Equal(HeaterAction.On, today.LastAction);
        Assert.Equal(7, today.Sequence);
    }
}

/// <summary>What <see cref="SensorState"/> could become: same ids, one member added with a new id.</summary>
[GenerateSerializer]
public sealed class SensorStateNextVersion
{
    [Id(0)] public SensorSetting? Setting { get; set; }

    [Id(1)] public HeaterAction? LastAction { get; set; }

    [Id(2)] public double? LastReading { get; set; }

    [Id(3)] public DateTimeOffset? UpdatedAt { get; set; }

    [Id(4)] public long Sequence { get; set; }

    [Id(5)] public DateTimeOffset? StaleSince { get; set; }
}
