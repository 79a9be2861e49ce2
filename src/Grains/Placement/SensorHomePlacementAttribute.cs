using Orleans.Placement;

namespace HeaterOrleans.Grains.Placement;

/// <summary>Marks a grain keyed by sensor ID for <see cref="SensorHomePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SensorHomePlacementAttribute() : PlacementAttribute(SensorHomePlacement.Instance);
