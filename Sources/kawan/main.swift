import Glibc
import KawanDaemon

// The executable stays thin: everything lives in KawanDaemon.
exit(await KawanCommand.run(Array(CommandLine.arguments.dropFirst())))
