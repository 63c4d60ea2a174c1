/** The Mosquitto of the RTLS tests (the machine's, or the one `.ci/run` starts). */
import mqtt, { type MqttClient } from 'mqtt';
import { reachable } from './brokers.ts';

export const MQTT_URL = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** Whether MQTT_URL answers; under CI=true it must (the test fails, it does not skip). */
export async function mqttOrSkip(skip: () => void): Promise<void> {
  if (await reachable(MQTT_URL)) return;
  if (process.env.CI === 'true') throw new Error(`Mosquitto is not reachable at ${MQTT_URL}; CI needs it (.ci/run starts it)`);
  skip();
}

/** A publishing client, connected. */
export async function mqttPublisher(): Promise<MqttClient> {
  return mqtt.connectAsync(MQTT_URL, { clientId: `paklog-test-pub-${Math.random().toString(16).slice(2, 10)}`, clean: true });
}
