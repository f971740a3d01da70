// The generated go.mod of an engine build: the pinned upstream module plus upstream's own replace directives,
// relative ones turned into the sibling module at a version the proxy serves.
import { parseReplaces, renderGoMod, renderToolsGo, requiredVersion } from '../../../cli/engine/gomod';

const upstream = `module github.com/pulumi/pulumi/pkg/v3

go 1.25.11

replace github.com/pulumi/pulumi/sdk/v3 => ../sdk

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

replace (
	example.com/a v1.0.0 => example.com/b v1.2.0 // a comment
)

require (
	github.com/pulumi/pulumi/sdk/v3 v3.247.0
	github.com/spf13/cobra v1.10.2
)
`;

describe('engine go.mod generator', () => {
  it('reads single-line and block replace directives', () => {
    expect(parseReplaces(upstream)).toEqual([
      { from: 'github.com/pulumi/pulumi/sdk/v3', fromVersion: undefined, to: '../sdk', toVersion: undefined },
      {
        from: 'github.com/atotto/clipboard',
        fromVersion: undefined,
        to: 'github.com/tgummerer/clipboard',
        toVersion: 'v0.0.0-20241001131231-d02d263e614e',
      },
      { from: 'example.com/a', fromVersion: 'v1.0.0', to: 'example.com/b', toVersion: 'v1.2.0' },
    ]);
    expect(requiredVersion(upstream, 'github.com/pulumi/pulumi/sdk/v3')).toBe('v3.247.0');
  });

  it('requires the pinned module and turns a relative replace into the sibling at the pinned version', () => {
    const goMod = renderGoMod({
      ownModule: 'schedbench.local/engine/pulumi',
      module: 'github.com/pulumi/pulumi/pkg/v3',
      version: 'v3.248.0',
      upstreamGoMod: upstream,
    });
    expect(goMod).toContain('module schedbench.local/engine/pulumi\n');
    expect(goMod).toContain('go 1.25.11\n');
    expect(goMod).toContain('require github.com/pulumi/pulumi/pkg/v3 v3.248.0\n');
    expect(goMod).toContain(
      'replace github.com/pulumi/pulumi/sdk/v3 => github.com/pulumi/pulumi/sdk/v3 v3.248.0\n',
    );
    expect(goMod).toContain(
      'replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e\n',
    );
    expect(goMod).toContain('replace example.com/a v1.0.0 => example.com/b v1.2.0\n');
    expect(goMod).not.toContain('../');
  });

  it('falls back to the version upstream requires when the proxy does not serve the sibling', () => {
    const goMod = renderGoMod({
      ownModule: 'schedbench.local/engine/pulumi',
      module: 'github.com/pulumi/pulumi/pkg/v3',
      version: 'v3.248.0',
      upstreamGoMod: upstream,
      served: () => false,
    });
    expect(goMod).toContain(
      'replace github.com/pulumi/pulumi/sdk/v3 => github.com/pulumi/pulumi/sdk/v3 v3.247.0\n',
    );
  });

  it('refuses values that are not a module path or version', () => {
    const pin = { ownModule: 'x/y', module: 'github.com/a/b', version: 'v1.0.0', upstreamGoMod: upstream };
    expect(() => renderGoMod({ ...pin, version: 'v1; rm -rf /' })).toThrow(/version/);
    expect(() => renderGoMod({ ...pin, module: 'a b' })).toThrow(/module path/);
    expect(renderToolsGo('github.com/a/b/cmd/c')).toContain('import _ "github.com/a/b/cmd/c"');
  });
});
