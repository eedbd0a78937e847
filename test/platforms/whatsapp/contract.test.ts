import { runPlatformContract } from '@aof/testkit';
import { createWhatsAppHarness } from './harness.js';

runPlatformContract(createWhatsAppHarness());
