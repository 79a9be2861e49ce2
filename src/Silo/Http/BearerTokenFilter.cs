using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace HeaterOrleans.Silo.Http;

/// <summary>
/// Guards write endpoints with <c>Api:Token</c>: no token is 401 (with a Bearer challenge), a wrong one 403.
/// With no token configured the endpoints are open.
/// </summary>
internal sealed class BearerTokenFilter(IOptions<ApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.Token;
        if (string.IsNullOrEmpty(expected))
        {
            return await next(context);
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem("A bearer token is required (Authorization: Bearer <Api:Token>).", statusCode: StatusCodes.Status401Unauthorized);
        }

        // Constant-time comparison: the time taken must not tell how much of the token was right.
        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(expected))
            ? await next(context)
            : Results.Problem("The bearer token is not valid.", statusCode: StatusCodes.Status403Forbidden);
    }
}
