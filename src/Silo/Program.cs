using HeaterOrleans.Silo.Hosting;
using HeaterOrleans.Silo.Kafka.Embedded;
using Microsoft.Extensions.Options;

try
{
    if (args is [EmbeddedKafkaCommand.Name, .. var rest])
    {
        return await EmbeddedKafkaCommand.RunAsync(rest);
    }

    await HeaterSiloHost.Build(args).RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or Orleans.Runtime.OrleansConfigurationException)
{
    // A configuration mistake is not a crash: say which key is wrong and stop.
    await Console.Error.WriteLineAsync($"Configuration error: {e.Message}");
    return 2;
}
