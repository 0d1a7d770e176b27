// Stories for my department: topics and facts to draw on, never a script.
// "Write about this" picks the story in the compose form, so the rules
// (own words among them) judge the post against it.
import { $, describeError, el, formatTime, shortName } from "./ui.js";

// The stories shown, by name, for the compose form.
export const storiesByName = new Map();

function storyItem(story) {
  const write = el("button", { type: "button" }, "Write about this");
  write.addEventListener("click", () => {
    $("story").value = story.name;
    $("story").dispatchEvent(new Event("change"));
    $("text").focus();
  });
  const points = story.talkingPoints.map((point) => el("li", {}, point));
  return el(
    "li",
    { className: "story", "data-story": story.name },
    el("h3", {}, story.title),
    el("p", {}, story.summary),
    points.length > 0 ? el("ul", { className: "points" }, ...points) : null,
    story.url ? el("p", {}, el("a", { href: story.url, rel: "noopener" }, story.url)) : null,
    story.incentivized
      ? el("p", { className: "help" }, "Sharing it earns something: posts about it must say so (#ad).")
      : null,
    story.expireTime ? el("p", { className: "help" }, `Until ${formatTime(story.expireTime)}`) : null,
    write,
  );
}

export async function loadStories(session) {
  try {
    // Employees always get the active, unexpired stories for their
    // department; reviewers and admins ask for the active ones.
    const { stories } = await session.clients.advocacy.listStories({
      parent: session.orgName,
      pageSize: 50,
      filter: session.isReviewer ? "state = ACTIVE" : "",
    });
    storiesByName.clear();
    for (const story of stories) storiesByName.set(story.name, story);
    $("story-list").replaceChildren(...stories.map(storyItem));
    if (stories.length === 0) $("story-list").textContent = "No stories for your department right now.";
    $("story").replaceChildren(
      el("option", { value: "" }, "None"),
      ...stories.map((story) => el("option", { value: story.name }, story.title || shortName(story.name))),
    );
  } catch (error) {
    $("stories-error").textContent = describeError(error);
  }
}
