namespace HeaterOrleans.Contracts.Codec;

/// <summary>A decoded and validated message, or the reason it was rejected.</summary>
public readonly record struct DecodeResult<T>(T? Message, string? Error)
    where T : class
{
    public bool IsValid => Error is null;

    public static DecodeResult<T> Valid(T message) => new(message, null);

    public static DecodeResult<T> Invalid(string error) => new(null, ReasonText.Cap(error));
}
