import os from 'node:os';
import path from 'node:path';
import { buildWidget, WIDGET_BUDGET_BYTES } from '../../scripts/buildWidget';

test('the widget bundle builds and stays within its gzipped budget', async () => {
  const report = await buildWidget(path.join(os.tmpdir(), `parley-widget-${process.pid}`, 'widget.js'));
  expect(report.gzipBytes).toBeGreaterThan(1000);
  expect(report.gzipBytes).toBeLessThanOrEqual(WIDGET_BUDGET_BYTES);
}, 30_000);
