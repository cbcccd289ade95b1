// The VirtualCard layer: see Package.swift for what it holds.
