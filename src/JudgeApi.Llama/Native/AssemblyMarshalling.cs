using System.Runtime.CompilerServices;

// The binding passes blittable structs by value. With runtime marshalling off, C 'bool' fields are the
// 1-byte .NET bool they are in memory; fields also carry [MarshalAs(U1)] so Marshal.SizeOf/OffsetOf
// (used by the ABI test) agree with that layout.
[assembly: DisableRuntimeMarshalling]
