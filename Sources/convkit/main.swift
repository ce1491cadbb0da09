import ConvKitCLI
import Foundation

exit(ConvKitCLI.main(Array(CommandLine.arguments.dropFirst())))
