import FilterAPI

/// Completion scripts for bash and zsh (`dip-pipe help --completion bash|zsh`, installed by
/// scripts/install.sh), generated from the registry and the parser: filter names, each filter's
/// parameters and their words (presets, cases), files where a parameter takes an image, and the
/// global options before the first filter. zsh runs the same function through bashcompinit.
enum ShellCompletion {
    static func script(for shell: String) -> String? {
        switch shell {
        case "bash": return "# bash completion for dip-pipe (`dip-pipe help --completion bash`)\n" + bash + "complete -o filenames -F _dip_pipe dip-pipe\n"
        case "zsh":
            return """
            #compdef dip-pipe
            # zsh completion for dip-pipe (`dip-pipe help --completion zsh`): bash's, through bashcompinit.
            autoload -U +X bashcompinit && bashcompinit
            \(bash)_bash_complete -o filenames -F _dip_pipe "$@"

            """
        default: return nil
        }
    }

    /// The bash functions: `_dip_pipe_params FILTER`, `_dip_pipe_values FILTER --PARAM` (its words,
    /// `FILE` for a file, `VALUE` for a number or text) and the completion `_dip_pipe`.
    private static var bash: String {
        let registry = Usage.registry
        var params = "_dip_pipe_params() {\n  case $1 in\n"
        var values = "_dip_pipe_values() {\n  case \"$1 $2\" in\n"
        for type in registry.types {
            params += "    \(quoted(type.name))) echo \(quoted((type.parameters.map { "--" + $0.name } + ["--help"]).joined(separator: " ")));;\n"
            for p in type.parameters {
                let words: String = switch p.kind {
                    case .choice(let list): list.joined(separator: " ")
                    case .image(let keywords): (["FILE"] + keywords).joined(separator: " ")
                    case .bool: "true false"
                    case .int, .double, .string: "VALUE"
                }
                values += "    \(quoted("\(type.name) --\(p.name)"))) echo \(quoted(words));;\n"
            }
        }
        params += "  esac\n}\n"
        values += "  esac\n}\n"
        let globals = GlobalOption.all
        let valued = globals.filter { $0.value != nil }.map(\.name)
        return params + values + """
        _dip_pipe() {
          local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
          local filters=\(quoted(registry.names.joined(separator: " ")))
          local globals=\(quoted(globals.map(\.name).joined(separator: " ")))
          local valued=\(quoted(" " + valued.joined(separator: " ") + " "))
          COMPREPLY=()
          case ${COMP_WORDS[1]} in
            help) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$filters --man --completion" -- "$cur")); return;;
            list) return;;
            compare) COMPREPLY=($(compgen -f -- "$cur")); return;;
          esac
          # The filter of the stage being typed: the first word after the last '!' that is not a
          # global option or its value.
          local filter="" w i
          for ((i = 1; i < COMP_CWORD; i++)); do
            w=${COMP_WORDS[i]}
            if [ "$w" = '!' ]; then filter=""
            elif [ -z "$filter" ]; then
              case $w in -*) [[ $valued == *" $w "* ]] && ((i++));; *) filter=$w;; esac
            fi
          done
          if [ -z "$filter" ]; then
            case $prev in
              --input|--output) COMPREPLY=($(compgen -f -- "$cur")); return;;
              --format) COMPREPLY=($(compgen -W \(quoted(ImageFormat.allCases.map(\.rawValue).joined(separator: " "))) -- "$cur")); return;;
              --progress) COMPREPLY=($(compgen -W \(quoted(ProgressMode.allCases.map(\.rawValue).joined(separator: " "))) -- "$cur")); return;;
            esac
            [[ $valued == *" $prev "* ]] && return
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$globals" -- "$cur"))
            elif [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=($(compgen -W "$filters list help compare" -- "$cur"))
            else COMPREPLY=($(compgen -W "$filters" -- "$cur")); fi
            return
          fi
          local words
          if [[ $prev == --* ]] && words=$(_dip_pipe_values "$filter" "$prev") && [ -n "$words" ]; then
            case " $words " in
              *" VALUE "*) return;;
              *" FILE "*) COMPREPLY=($(compgen -W "${words/FILE/}" -- "$cur") $(compgen -f -- "$cur")); return;;
              *) COMPREPLY=($(compgen -W "$words" -- "$cur")); [[ $words != "true false" ]] && return;;
            esac
          fi
          if [[ $cur == -* ]]; then COMPREPLY+=($(compgen -W "$(_dip_pipe_params "$filter")" -- "$cur"))
          else COMPREPLY+=($(compgen -W '!' -- "$cur") $(compgen -f -- "$cur")); fi
        }

        """
    }

    /// A word in single quotes for the shell.
    private static func quoted(_ s: String) -> String { "'" + s.replacing("'", with: "'\\''") + "'" }
}
