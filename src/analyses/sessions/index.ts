/** This machine's listening services and connections, from /proc/net and /proc/<pid>/fd. */
export { parseProcNetSockets, decodeProcAddress, isListening, TCP_STATES, type ProcSocket, type SocketProtocol, type ParsedSocketTable, type ParseSocketsOptions } from "./procNet.js";
export { socketOwners, type SocketOwner } from "./processes.js";
export { classifySockets, exposureOf, isLoopbackAddress, Exposure, type ListeningRow, type ConnectionRow, type ClassifyContext } from "./classify.js";
export { readSockets, LISTENING_KIND, CONNECTIONS_KIND, type ReadSocketsOptions, type SocketsResult } from "./read.js";
