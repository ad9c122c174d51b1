namespace JudgeApi.Auth;

/// <summary>Roles carried by an authenticated key, and the policies endpoints require.</summary>
public static class AuthRoles
{
    public const string Client = "client";
    public const string Operator = "operator";

    /// <summary>Judge endpoints: client or operator keys.</summary>
    public const string JudgePolicy = "judge";

    /// <summary>Operator endpoints: operator keys only.</summary>
    public const string OperatorPolicy = "operator";
}
