// The console's page logic that needs no browser, imported straight from the embedded
// modules: the Prometheus text parser of the status panel and the route badge rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetrics } from '../../src/console/web/js/status.js';
import { routeOf } from '../../src/console/web/js/chat.js';

test('parseMetrics reads names, labels and values and skips comments', () => {
  const text = [
    '# HELP tandem_routing_decisions_total Routing decisions.',
    '# TYPE tandem_routing_decisions_total counter',
    'tandem_routing_decisions_total{route="edge",reason="default"} 3',
    'tandem_routing_decisions_total{route="cloud",reason="intent"} 2',
    'tandem_time_to_first_token_seconds_bucket{le="+Inf"} 5',
    'tandem_open_connections 1',
    '',
  ].join('\n');
  assert.deepEqual(parseMetrics(text), [
    { name: 'tandem_routing_decisions_total', labels: { route: 'edge', reason: 'default' }, value: 3 },
    { name: 'tandem_routing_decisions_total', labels: { route: 'cloud', reason: 'intent' }, value: 2 },
    { name: 'tandem_time_to_first_token_seconds_bucket', labels: { le: '+Inf' }, value: 5 },
    { name: 'tandem_open_connections', labels: {}, value: 1 },
  ]);
});

test('routeOf: failover and offload name the route, then x_tandem, the header, the role', () => {
  assert.equal(routeOf({ trace: { route: 'edge', failover: true, offload: false } }, 'dispatcher'), 'failover');
  assert.equal(routeOf({ trace: { route: 'cloud', failover: false, offload: true } }, 'dispatcher'), 'offload');
  assert.equal(routeOf({ trace: { route: 'cloud-speculative' } }, 'dispatcher'), 'cloud-speculative');
  assert.equal(routeOf({ headerRoute: 'edge', stopped: true }, 'dispatcher'), 'edge');
  assert.equal(routeOf({}, 'commander'), 'commander');
  assert.equal(routeOf({ pending: true }, 'commander'), null);
  assert.equal(routeOf({}, 'dispatcher'), null);
});
