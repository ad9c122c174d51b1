using System.Xml.Linq;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace JudgeApi.Auth;

/// <summary>Data protection's key ring in the state store (<see cref="SharedKeys"/>): every replica decrypts the session cookies any of them issued.</summary>
internal sealed class SharedKeyRepository(SharedKeys keys) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => [.. keys.All().Select(XElement.Parse)];

    public void StoreElement(XElement element, string friendlyName) => keys.Store(friendlyName, element.ToString(SaveOptions.DisableFormatting));
}
