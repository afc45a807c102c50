import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCameraInjection, checkVirtualCamera } from '../../../src/liveness/camera-label.ts';

test('labels naming a file or an injection tool are camera_injection (blocking)', () => {
  for (const label of ['/tmp/x.y4m', '/home/eve/clips/me.mjpeg', 'C:\\Users\\eve\\face.mp4', 'file:///tmp/face.y4m', 'face.y4m', 'DeepFaceLive camera', 'Avatarify Python', 'Deep-Live-Cam']) {
    const c = checkCameraInjection([label]);
    assert.equal(c.flagged, true, label);
    assert.equal(c.blocking, true);
  }
});

test('real and generic virtual cameras are not injection; OBS stays a (review) virtual camera', () => {
  for (const label of ['FaceTime HD Camera (Built-in)', 'Integrated Camera (04f2:b6d9)', 'HD Pro Webcam C920', 'Front Camera', 'camera2 1, facing front', 'OBS Virtual Camera', 'ManyCam Virtual Webcam', 'fake_device_0']) {
    assert.equal(checkCameraInjection([label]).flagged, false, label);
  }
  assert.equal(checkVirtualCamera(['OBS Virtual Camera']).flagged, true);
  assert.equal(checkVirtualCamera(['OBS Virtual Camera']).blocking, false);
});
