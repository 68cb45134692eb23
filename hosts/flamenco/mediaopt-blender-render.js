// SPDX-License-Identifier: Apache-2.0
// A Flamenco 3 job type: Blender renders its frames in chunks, then one last task runs
// `mediaopt farm post-job` to record the job and measure what it wrote. Put this file in
// the `scripts` folder beside flamenco-manager and restart the Manager; the Blender
// add-on then offers "Blender Render + mediaopt". The `{mediaopt}` variable (set in
// flamenco-manager.yaml, per platform) is the mediaopt command on the Workers.

const JOB_TYPE = {
  label: "Blender Render + mediaopt",
  description: "Render a sequence of frames, then record the job in the mediaopt catalog",
  settings: [
    { key: "frames", type: "string", required: true,
      eval: "f'{C.scene.frame_start}-{C.scene.frame_end}'",
      description: "Frame range to render, e.g. '47', '1-30', '3, 5-10, 47-327'" },
    { key: "chunk_size", type: "int32", default: 1, visible: "submission",
      description: "Number of frames to render in one Blender render task" },
    { key: "render_output_path", type: "string", subtype: "file_path", required: true,
      eval: "str(Path(abspath(C.scene.render.filepath)))",
      description: "Where Blender writes the frames, '#' for the frame number" },
    { key: "blendfile", type: "string", required: true, visible: "web",
      description: "Path of the Blend file to render" },
    { key: "format", type: "string", required: true, visible: "web",
      eval: "C.scene.render.image_settings.file_format" },
    { key: "image_file_extension", type: "string", required: true, visible: "hidden",
      eval: "C.scene.render.file_extension" },
  ],
};

function compileJob(job) {
  const settings = job.settings;
  const renderTasks = [];
  for (const chunk of frameChunker(settings.frames, settings.chunk_size)) {
    const task = author.Task(`render-${chunk}`, "blender");
    task.addCommand(author.Command("blender-render", {
      exe: "{blender}",
      exeArgs: "{blenderArgs}",
      argsBefore: [],
      blendfile: settings.blendfile,
      args: [
        "--render-output", settings.render_output_path,
        "--render-format", settings.format,
        "--render-frame", chunk.replaceAll("-", ".."),
      ],
    }));
    job.addTask(task);
    renderTasks.push(task);
  }
  const record = author.Task("mediaopt", "misc");
  record.addCommand(author.Command("exec", {
    exe: "{mediaopt}",
    args: mediaoptArgs(job),
  }));
  for (const task of renderTasks) {
    record.addDependency(task);
  }
  job.addTask(record);
}

// The job as `mediaopt farm post-job --from plain` takes it on the command line.
function mediaoptArgs(job) {
  const settings = job.settings;
  const metadata = job.metadata || {};
  let output = settings.render_output_path;
  if (!output.includes("#")) {
    output += "######";
  }
  // Blender appends the extension unless the path already ends with it.
  if (!output.toLowerCase().endsWith(settings.image_file_extension.toLowerCase())) {
    output += settings.image_file_extension;
  }
  const args = [
    "farm", "post-job", "--from", "plain",
    "--job-id", String(job.id || job.name),
    "--name", job.name,
    "--renderer", "Blender",
    "--scene", settings.blendfile,
    "--frames", settings.frames,
    "--output", output,
    "--setting", `format=${settings.format}`,
  ];
  if (metadata["user.name"]) {
    args.push("--user", metadata["user.name"]);
  }
  if (metadata["project"]) {
    args.push("--show", metadata["project"]);
  }
  return args;
}
