using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HeaterOrleans.Grains;

/// <summary>Registers what the sensor grain's failsafe needs in a silo.</summary>
public static class FailsafeServiceCollectionExtensions
{
    /// <summary>
    /// The silo's <see cref="FailsafeSweeper"/> (options: <see cref="FailsafeOptions"/>, bound by the host). A host with an
    /// ingress registers its <see cref="IFailsafeGate"/>; without one the failsafe is always listening.
    /// </summary>
    public static IServiceCollection AddSensorFailsafe(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFailsafeGate, AlwaysListening>();
        services.TryAddSingleton<FailsafeSweeper>();
        return services;
    }
}
