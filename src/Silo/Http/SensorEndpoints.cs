using HeaterOrleans.Contracts;
using HeaterOrleans.Contracts.Codec;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Http;

/// <summary><c>GET /sensors/{id}</c> (what the grain knows) and <c>PUT /sensors/{id}/setting</c> (publish a setting).</summary>
public static class SensorEndpoints
{
    /// <summary>Largest <c>PUT</c> body accepted, in bytes.</summary>
    public const int MaxBodyBytes = 4096;

    public static RouteGroupBuilder MapSensorEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var sensors = endpoints.MapGroup("/sensors");
        sensors.MapGet("/{id:int}", GetAsync);
        sensors.MapPut("/{id:int}/setting", PutSettingAsync).AddEndpointFilter<BearerTokenFilter>();
        return sensors;
    }

    private static async Task<IResult> GetAsync(int id, IGrainFactory grains)
    {
        if (id <= 0)
        {
            return Results.Problem($"sensor ID must be > 0 (was {id})", statusCode: StatusCodes.Status400BadRequest);
        }

        return await grains.GetGrain<ISensorGrain>(id).GetSnapshotAsync() is { } snapshot
            ? Results.Ok(SensorView.From(snapshot))
            : Results.Problem($"sensor {id} is unknown: no setting or reading has reached it", statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>Body: the setting in the JSON form of <c>TemperatureControl</c>; <c>sensorID</c> may be left out.</summary>
    private static async Task<IResult> PutSettingAsync(
        int id, HttpRequest request, SettingsPublisher publisher, IOptions<ValueLimits> limits, CancellationToken cancellationToken)
    {
        // A setting is a few dozen bytes; whatever is far larger is refused before it is read.
        var tooLarge = Results.Problem($"the body must be at most {MaxBodyBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);
        if (request.ContentLength > MaxBodyBytes)
        {
            return tooLarge;
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        for (int read; length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0;)
        {
            length += read;
        }

        if (length > MaxBodyBytes)
        {
            return tooLarge;
        }

        var json = buffer.AsSpan(0, length).TrimStart(" \t\r\n"u8);
        if (json.IsEmpty || json[0] != (byte)'{')
        {
            return Results.Problem("the body must be a JSON object, e.g. {\"desired\":21.5,\"upDelta\":0.5,\"downDelta\":0.5}", statusCode: StatusCodes.Status400BadRequest);
        }

        var decoded = MessageCodec.DecodeSettingFor(id, json, limits.Value);
        if (!decoded.IsValid)
        {
            return Results.Problem(decoded.Error, statusCode: StatusCodes.Status400BadRequest);
        }

        var delivery = await publisher.PublishAsync(decoded.Message!, cancellationToken);
        return Results.Accepted($"/sensors/{id}", new
        {
            sensorId = id,
            topic = delivery.Topic,
            partition = delivery.Partition.Value,
            offset = delivery.Offset.Value,
        });
    }
}
