using HeaterOrleans.Grains.Placement;
using HeaterOrleans.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Placement;

namespace HeaterOrleans.Silo.Placement;

/// <summary>Registers where sensor grains live.</summary>
public static class PlacementServiceCollectionExtensions
{
    /// <summary>
    /// The director of <see cref="SensorHomePlacement"/>. Without <see cref="AddKafkaSensorHome"/> no sensor has a home
    /// and grains are placed where they are first called (a test host).
    /// </summary>
    public static IServiceCollection AddSensorHomePlacement(this IServiceCollection services)
    {
        services.TryAddSingleton<ISensorHome, NoSensorHome>();
        services.TryAddSingleton<ActiveSensors>();
        services.AddPlacementDirector<SensorHomePlacement, SensorHomePlacementDirector>();
        return services;
    }

    /// <summary>
    /// Homes from Kafka (<c>Placement:*</c>): a sensor's grain lives on the silo whose ingress consumes its readings
    /// partition, as the cluster's partition map says; with <c>Placement:ByPartition=false</c>, Orleans' default
    /// placement instead (calls are still counted by locality). Register with the ingress.
    /// </summary>
    public static IServiceCollection AddKafkaSensorHome(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PlacementOptions, PlacementOptionsValidator>(configuration, PlacementOptions.SectionName);
        services.AddSingleton<IngressPartitions>();
        services.AddSingleton<KafkaSensorHome>();
        services.Replace(ServiceDescriptor.Singleton<ISensorHome>(sp => sp.GetRequiredService<KafkaSensorHome>()));
        if (configuration.GetValue<bool?>($"{PlacementOptions.SectionName}:{nameof(PlacementOptions.ByPartition)}") is false)
        {
            services.AddPlacementDirector<SensorHomePlacement>(sp => sp.GetRequiredKeyedService<IPlacementDirector>(typeof(ResourceOptimizedPlacement)));
        }

        services.AddSingleton<HomeMover>();
        services.AddHostedService<PartitionMapSync>();
        return services;
    }
}
