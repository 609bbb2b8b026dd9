// The parameter map's controls and canvas: series.js draws the map from /web-api/…/map.
import type { SeriesPageProps } from './props.ts';

export function ParameterMap(props: Pick<SeriesPageProps, 'parameters' | 'metrics'>) {
  return (
    <section class="card" aria-labelledby="map-title">
      <h2 id="map-title">Parameter map</h2>
      <div class="map-controls" id="map-controls">
        <div>
          <label for="map-x">Columns</label>
          <select id="map-x">
            {props.parameters.map((p, i) => (
              <option value={p.name} selected={i === 0}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        {props.parameters.length > 1 ? (
          <div>
            <label for="map-y">Rows</label>
            <select id="map-y">
              {props.parameters.map((p, i) => (
                <option value={p.name} selected={i === 1}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label for="map-color">Colour by</label>
          <select id="map-color">
            <option value="">run state</option>
            {props.metrics.map((m) => (
              <option value={m}>{`metric: ${m}`}</option>
            ))}
          </select>
        </div>
        <div id="map-fixed" style="display:contents"></div>
      </div>
      <div class="map-wrap" id="map" aria-live="polite">
        <p class="muted" style="padding:0.6rem">
          Loading the map…
        </p>
      </div>
      <div class="legend" id="map-legend"></div>
    </section>
  );
}
