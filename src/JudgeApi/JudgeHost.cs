using JudgeApi.Extensions;

namespace JudgeApi;

/// <summary>Builds the HTTP service (Program runs it; tests start it on a free loopback port).</summary>
public static class JudgeHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.ReadSettingsBesideTheBinaries();
        builder.AddJudgeServices();
        builder.AddJudgeTelemetry();
        return builder.Build().UseJudgeApi();
    }
}
