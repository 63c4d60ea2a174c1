import { describe, expect, it } from 'vitest';
import { publicProtos, publicServices } from '../../rpc/protos.ts';
import { messageDescriptors, sampleMessage, warmCodecs } from './warm-codecs.ts';

describe('warmCodecs', () => {
  it('samples set every message field, one element of each repeated one, down the whole type graph', () => {
    const messages = messageDescriptors(publicProtos());
    expect(sampleMessage(messages, 'paklog.floor.v1.NextTaskResponse')).toEqual({ task: {} });
    expect(sampleMessage(messages, 'paklog.floor.v1.PickList')).toEqual({ lines: [{}] });
    expect(sampleMessage(messages, 'paklog.integration.v1.CreateOrderResponse')).toEqual({ order: { shipTo: {}, lines: [{}], statusHistory: [{}], hold: {} } });
  });

  it('encodes and decodes a sample of every public method, and the codecs still answer as before', async () => {
    const { floor, integration } = publicServices();
    // Every method of both services, however many they grow to (16 with the dashboard's four counts).
    const methods = Object.keys(floor).length + Object.keys(integration).length;
    expect(methods).toBeGreaterThanOrEqual(16);
    await expect(warmCodecs(publicProtos(), [['paklog.floor.v1.Floor', floor], ['paklog.integration.v1.Integration', integration]])).resolves.toBe(methods);
    const bytes = floor.NextTask.responseSerialize({ task: { id: 'tsk_1', type: 'PICK' } });
    expect(floor.NextTask.responseDeserialize(bytes)).toMatchObject({ task: { id: 'tsk_1', type: 'PICK' } });
  });
});
